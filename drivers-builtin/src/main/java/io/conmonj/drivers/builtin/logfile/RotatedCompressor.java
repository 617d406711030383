package io.conmonj.drivers.builtin.logfile;


import io.conmonj.plugin.ErrnoText;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Set;
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
 * driver's {@code fileLock}, which this thread holds only to open the file and to put the result in place.
 *
 * <p>json-file: the .gz is Go's {@code compress/gzip} layout with Docker's header extra {@code {"lastTime":"..."}}
 * (the time of the file's last record; Docker's reader skips files older than {@code --since} with it).
 * k8s-file: the same layout without an extra field (FLG 0).
 */
public final class RotatedCompressor {
    private static final java.nio.file.attribute.FileAttribute<Set<java.nio.file.attribute.PosixFilePermission>> MODE_0640 =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));

    public static final class Job {
        int index = 1;
        final Object fileKey;
        final long lastTimestamp;

        Job(Object fileKey, long lastTimestamp) {
            this.fileKey = fileKey;
            this.lastTimestamp = lastTimestamp;
        }
    }

    /** How the compressor sees the driver's files. */
    public interface NumberedFiles {
        /** {@code PATH.i} or {@code PATH.i.gz}. */
        Path numbered(int i, boolean gz);
    }

    private final String driverName;
    private final Path path;
    private final NumberedFiles files;
    private final Consumer<String> warnings;
    /** gzip header extra for a file whose last record has this timestamp; null: no extra field */
    private final LongFunction<byte[]> extraOf;
    private final ReentrantLock lock;
    private final Condition changed;
    /** jobs by current index (a map: max-file may be huge); guarded by lock */
    private final HashMap<Integer, Job> byIndex = new HashMap<>();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private int unfinished;
    private boolean shutdown;
    private Thread thread;
    /** Tests: runs on the compression thread between compressing a file and putting the result in place. */
    public volatile Runnable beforeFinish;

    /** @param lock the driver's lock over renames of its files */
    public RotatedCompressor(String driverName, Path path, NumberedFiles files, Consumer<String> warnings,
                      LongFunction<byte[]> extraOf, ReentrantLock lock) {
        this.driverName = driverName;
        this.path = path;
        this.files = files;
        this.warnings = warnings;
        this.extraOf = extraOf;
        this.lock = lock;
        this.changed = lock.newCondition();
    }

    /** Under lock: the file at {@code PATH.i} is about to be removed. */
    public void dropped(int i) {
        Job j = byIndex.remove(i);
        if (j != null) {
            j.index = -1;
        }
    }

    /** Under lock: {@code PATH.from} was renamed to {@code PATH.to}. */
    public void shifted(int from, int to) {
        Job j = byIndex.remove(from);
        if (j != null) {
            j.index = to;
            byIndex.put(to, j);
        }
    }

    /** Under lock: {@code PATH} became {@code PATH.1}. */
    public Job rotated(Object fileKey, long lastTimestamp) {
        Job j = new Job(fileKey, lastTimestamp);
        byIndex.put(1, j);
        return j;
    }

    public void submit(Job j) {
        lock.lock();
        try {
            queue.add(j);
            unfinished++;
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name(driverName + "-gzip " + path.getFileName()).start(this::run);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lets the queue drain, then stops the thread. */
    public void shutdownAndWait() {
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
                warnings.accept("log driver " + driverName + ": cannot compress a rotated file of " + path + ": "
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
        Path tmp = Path.of(path + ".gz.tmp");
        FileChannel src;
        lock.lock();
        try {
            if (j.index < 0) {
                return; // rotated out before its turn
            }
            Path p = files.numbered(j.index, false);
            try {
                src = FileChannel.open(p, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                byIndex.remove(j.index);
                return;
            }
            if (!j.fileKey.equals(Files.readAttributes(p, BasicFileAttributes.class).fileKey())) {
                src.close();
                byIndex.remove(j.index);
                return; // not our file any more
            }
        } finally {
            lock.unlock();
        }
        boolean done = false;
        try (src) {
            try (FileChannel dst = FileChannel.open(tmp, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING), MODE_0640)) {
                gzip(src, dst, extraOf.apply(j.lastTimestamp));
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
                Path plain = files.numbered(j.index, false);
                Files.move(tmp, files.numbered(j.index, true), StandardCopyOption.ATOMIC_MOVE);
                done = true;
                byIndex.remove(j.index);
                try {
                    Object key = Files.readAttributes(plain, BasicFileAttributes.class).fileKey();
                    if (j.fileKey.equals(key)) {
                        Files.delete(plain);
                    }
                } catch (NoSuchFileException e) {
                    // removed by someone else: the .gz is what is left, as wanted
                }
            } finally {
                lock.unlock();
            }
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * RFC 1952 member as Go's gzip.Writer writes it: FLG=FEXTRA, MTIME 0, XFL 0, OS 255, raw extra bytes; with
     * {@code extra} null, FLG 0 and no extra field.
     */
    public static void gzip(FileChannel src, FileChannel dst, byte[] extra) throws IOException {
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
