package io.conmonj.drivers.builtin.logfile;


import io.conmonj.plugin.ErrnoText;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The compression thread of a rotating file driver (json-file, k8s-file): gzips rotated files one at a time, in
 * rotation order, off the monitor's thread. Started with the first compression, one per driver.
 *
 * <p>Each rotated file awaiting compression is a {@link Job} whose {@code index} follows the renames of the
 * rotation ({@link #shifted}) and becomes -1 when the file is rotated out ({@link #dropped}); all under the
 * {@link LogFile}'s lock over the numbered names ({@link LogFile#lockNames()}), which this thread holds only to open
 * the file and to put the result in place. Every open, rename and delete is relative to the log directory's
 * descriptor ({@link LogDirectory}): the rotated file is read only if it is still the regular, singly linked file that
 * was rotated, and {@code NAME.gz.tmp} is created {@code O_EXCL} after removing whatever entry had that name.
 *
 * <p>json-file: the .gz is Go's {@code compress/gzip} layout with Docker's header extra {@code {"lastTime":"..."}}
 * (the time of the file's last record; Docker's reader skips files older than {@code --since} with it).
 * k8s-file: the same layout without an extra field (FLG 0).
 */
public final class RotatedCompressor {
    public static final class Job {
        int index = 1;
        final Object fileKey;
        final long lastTimestamp;

        Job(Object fileKey, long lastTimestamp) {
            this.fileKey = fileKey;
            this.lastTimestamp = lastTimestamp;
        }
    }

    private final String driverName;
    private final LogDirectory dir;
    private final String name;
    private final Consumer<String> warnings;
    /** gzip header extra for a file whose last record has this timestamp; null: no extra field */
    private final LongFunction<byte[]> extraOf;
    private final ReentrantLock lock;
    private final Condition changed;
    /** jobs by current index (a map: the index is bounded, but sparse); guarded by lock */
    private final HashMap<Integer, Job> byIndex = new HashMap<>();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private int unfinished;
    private boolean shutdown;
    private Thread thread;
    /** Tests: runs on the compression thread between compressing a file and putting the result in place. */
    public volatile Runnable beforeFinish;

    /**
     * @param dir  the directory of the log file, whose descriptor every open, rename and delete is relative to
     * @param name the log file's name in it
     * @param lock the engine's lock over renames of the numbered files
     */
    RotatedCompressor(String driverName, LogDirectory dir, String name, Consumer<String> warnings,
                      LongFunction<byte[]> extraOf, ReentrantLock lock) {
        this.driverName = driverName;
        this.dir = dir;
        this.name = name;
        this.warnings = warnings;
        this.extraOf = extraOf;
        this.lock = lock;
        this.changed = lock.newCondition();
    }

    private String numbered(int i, boolean gz) {
        return name + "." + i + (gz ? ".gz" : "");
    }

    /** Under lock: the file at {@code PATH.i} is about to be removed. */
    void dropped(int i) {
        Job j = byIndex.remove(i);
        if (j != null) {
            j.index = -1;
        }
    }

    /** Under lock: {@code PATH.from} was renamed to {@code PATH.to}. */
    void shifted(int from, int to) {
        Job j = byIndex.remove(from);
        if (j != null) {
            j.index = to;
            byIndex.put(to, j);
        }
    }

    /** Under lock: {@code PATH} became {@code PATH.1}. */
    Job rotated(Object fileKey, long lastTimestamp) {
        Job j = new Job(fileKey, lastTimestamp);
        byIndex.put(1, j);
        return j;
    }

    void submit(Job j) {
        lock.lock();
        try {
            queue.add(j);
            unfinished++;
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name(driverName + "-gzip " + name).start(this::run);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lets the queue drain, then stops the thread. */
    void shutdownAndWait() {
        Thread t;
        lock.lock();
        try {
            shutdown = true;
            changed.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For tests: waits until every submitted file is compressed (or given up). */
    public void awaitIdle() throws InterruptedException {
        lock.lock();
        try {
            while (unfinished > 0) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Job j;
            lock.lock();
            try {
                while (queue.isEmpty() && !shutdown) {
                    changed.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;
                }
                j = queue.poll();
            } finally {
                lock.unlock();
            }
            try {
                compress(j);
            } catch (IOException | RuntimeException e) {
                warnings.accept("log driver " + driverName + ": cannot compress a rotated file of " + dir.path().resolve(name) + ": "
                        + ErrnoText.of(e) + " (it stays uncompressed)");
            } finally {
                lock.lock();
                try {
                    unfinished--;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void compress(Job j) throws IOException {
        String tmp = name + ".gz.tmp";
        FileChannel src;
        lock.lock();
        try {
            if (j.index < 0) {
                return; // rotated out before its turn
            }
            LogDirectory.OpenFile f;
            try {
                f = dir.openForReading(numbered(j.index, false), j.fileKey);
            } catch (NoSuchFileException e) {
                f = null;
            }
            if (f == null) {
                byIndex.remove(j.index);
                return; // gone, or not our file any more
            }
            src = f.channel();
        } finally {
            lock.unlock();
        }
        boolean created = false;
        boolean done = false;
        try (src) {
            dir.deleteIfExists(tmp); // a stale entry, whatever it is: removing a name touches no file's content
            try (FileChannel dst = dir.createNew(tmp).channel()) {
                created = true;
                gzip(src, dst, extraOf == null ? null : extraOf.apply(j.lastTimestamp));
            }
            Runnable hook = beforeFinish;
            if (hook != null) {
                hook.run();
            }
            lock.lock();
            try {
                if (j.index < 0) {
                    return; // rotated out while we compressed it: not kept, as Docker keeps max-file files
                }
                String plain = numbered(j.index, false);
                dir.rename(tmp, numbered(j.index, true));
                done = true;
                byIndex.remove(j.index);
                if (j.fileKey.equals(dir.fileKeyOf(plain))) {
                    dir.deleteIfExists(plain);
                }
            } finally {
                lock.unlock();
            }
        } finally {
            if (created && !done) {
                dir.deleteIfExists(tmp);
            }
        }
    }

    /**
     * RFC 1952 member as Go's gzip.Writer writes it: FLG=FEXTRA, MTIME 0, XFL 0, OS 255, raw extra bytes; with
     * {@code extra} null, FLG 0 and no extra field.
     */
    static void gzip(FileChannel src, FileChannel dst, byte[] extra) throws IOException {
        ByteBuffer header;
        if (extra == null) {
            header = ByteBuffer.allocate(10);
            header.put((byte) 0x1f).put((byte) 0x8b).put((byte) 8).put((byte) 0).putInt(0).put((byte) 0).put((byte) 0xff);
            header.flip();
        } else {
            header = ByteBuffer.allocate(12 + extra.length);
            header.put((byte) 0x1f).put((byte) 0x8b).put((byte) 8).put((byte) 0x04).putInt(0).put((byte) 0).put((byte) 0xff);
            header.put((byte) (extra.length & 0xff)).put((byte) (extra.length >> 8)).put(extra).flip();
        }
        writeFully(dst, header);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        CRC32 crc = new CRC32();
        byte[] in = new byte[64 * 1024];
        byte[] out = new byte[64 * 1024];
        ByteBuffer inBuf = ByteBuffer.wrap(in);
        long total = 0;
        long position = 0;
        try {
            while (true) {
                inBuf.clear();
                int n = src.read(inBuf, position);
                if (n < 0) {
                    break;
                }
                position += n;
                crc.update(in, 0, n);
                total += n;
                deflater.setInput(in, 0, n);
                while (!deflater.needsInput()) {
                    int m = deflater.deflate(out);
                    writeFully(dst, ByteBuffer.wrap(out, 0, m));
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                int m = deflater.deflate(out);
                writeFully(dst, ByteBuffer.wrap(out, 0, m));
            }
        } finally {
            deflater.end();
        }
        ByteBuffer trailer = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt((int) total).flip();
        writeFully(dst, trailer);
        dst.force(false);
    }

    private static void writeFully(FileChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            c.write(b);
        }
    }
}
