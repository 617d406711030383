package io.conmonj.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A block of native memory holding a struct image that a {@link LibC} call reads or fills (an epoll event, a
 * msghdr, a termios...), addressed by the offsets of a {@link Struct}. Allocated zeroed, freed when unreachable (it
 * is a direct buffer). Every access is bounds-checked: an offset outside the block throws.
 *
 * <p>A block that points at another ({@link #setPointer}) keeps that one alive as long as itself, so a msghdr
 * handed to a call holds its iovec and its data.
 */
public final class NativeMemory {
    private final ByteBuffer buffer;
    /** Read by the JNI library by this name (conmonj-sys.c, {@code block}) when a call receives this block. */
    private final long address;
    private final List<NativeMemory> pointees = new ArrayList<>(2);

    /** {@code size} zeroed bytes. */
    public NativeMemory(long size) {
        this(ByteBuffer.allocateDirect(Math.toIntExact(Math.max(size, 1))));
    }

    private NativeMemory(ByteBuffer direct) {
        this.buffer = direct.order(ByteOrder.nativeOrder());
        this.address = Natives.bufferAddress(direct);
    }

    /**
     * Memory that someone else allocated and keeps alive for as long as this is used (a JNA buffer of the C
     * plugin driver): {@code size} bytes at {@code address}.
     */
    public static NativeMemory wrap(long address, long size) {
        if (address == 0 || size < 0 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("no native memory of " + size + " bytes at " + address);
        }
        return new NativeMemory(Natives.wrapAddress(address, size));
    }

    public long size() {
        return buffer.capacity();
    }

    /** The address, valid while this object is reachable (what {@link #setPointer} stores). */
    long address() {
        return address;
    }

    public void clear() {
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (byte) 0);
        }
    }

    public byte getByte(long offset) {
        return buffer.get(index(offset));
    }

    public void setByte(long offset, byte value) {
        buffer.put(index(offset), value);
    }

    public short getShort(long offset) {
        return buffer.getShort(index(offset));
    }

    public void setShort(long offset, short value) {
        buffer.putShort(index(offset), value);
    }

    public int getInt(long offset) {
        return buffer.getInt(index(offset));
    }

    public void setInt(long offset, int value) {
        buffer.putInt(index(offset), value);
    }

    public long getLong(long offset) {
        return buffer.getLong(index(offset));
    }

    public void setLong(long offset, long value) {
        buffer.putLong(index(offset), value);
    }

    /** Stores {@code target}'s address at {@code offset} (a pointer field), and keeps {@code target} alive. */
    public void setPointer(long offset, NativeMemory target) {
        buffer.putLong(index(offset), target.address);
        pointees.add(target);
    }

    /** Copies {@code length} bytes of {@code source} from {@code from} to {@code offset}. */
    public void write(long offset, byte[] source, int from, int length) {
        buffer.put(index(offset), source, from, length);
    }

    /** Copies {@code length} bytes at {@code offset} into {@code target} from {@code to}. */
    public void read(long offset, byte[] target, int to, int length) {
        buffer.get(index(offset), target, to, length);
    }

    /** A copy of {@code length} bytes at {@code offset}. */
    public byte[] getByteArray(long offset, int length) {
        byte[] copy = new byte[length];
        read(offset, copy, 0, length);
        return copy;
    }

    private static int index(long offset) {
        return Math.toIntExact(offset);
    }
}
