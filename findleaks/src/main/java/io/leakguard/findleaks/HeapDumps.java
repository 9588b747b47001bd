package io.leakguard.findleaks;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Live heap dumps that exist only while they are analysed. A dump holds every secret in the server's memory (session
 * data, passwords, keys), so it is written into a directory only the server's user can enter, deleted as soon as the
 * analysis ends, whatever happens, and never handed out.
 */
final class HeapDumps {

    /** Room left on the disk besides the dump, so a dump does not fill the disk the server writes its logs to. */
    private static final long MARGIN = 256L << 20;

    @FunctionalInterface
    interface Analysis<T> {
        T of(Path dump) throws IOException;
    }

    private HeapDumps() {
    }

    /**
     * Dumps the live heap (a full collection first, which is why only strongly reachable objects are in it) and
     * analyses it.
     *
     * @throws IllegalStateException when the disk has too little room or the dump fails
     */
    static <T> T analyse(Analysis<T> analysis) {
        Path directory = null;
        Path dump = null;
        try {
            directory = privateDirectory();
            long needed = largestDump() + MARGIN;
            long free = Files.getFileStore(directory).getUsableSpace();
            if (free < needed) {
                throw new IllegalStateException("no heap dump: " + (free >> 20) + " MB free in " + directory.getParent()
                        + ", " + (needed >> 20) + " MB needed (set java.io.tmpdir to a larger disk)");
            }
            dump = directory.resolve("heap.hprof");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(dump.toString(), true);
            return analysis.of(dump);
        } catch (IOException e) {
            throw new IllegalStateException("heap dump failed: " + e.getMessage(), e);
        } finally {
            delete(dump);
            delete(directory);
        }
    }

    /**
     * How large a dump of the heap as it is now can get. A dump is larger than the heap it shows: each object's record
     * has a 25-byte head where the object has a 12-byte header, and each reference takes 8 bytes where a compressed one
     * takes 4, so a heap of small objects with one reference dumps to 2.1 times its size, with the classes' records
     * and names on top; compact object headers (Java 24+) make the object smaller still, up to 2.6 times for two
     * references. Arrays of bytes and characters, most of a real heap, dump to their own size.
     */
    static long largestDump() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() * 5 / 2;
    }

    private static Path privateDirectory() throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempDirectory("leakguard-heap",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return Files.createTempDirectory("leakguard-heap");
    }

    private static void delete(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete heap dump " + path + "; delete it by hand", e);
            }
        }
    }
}
