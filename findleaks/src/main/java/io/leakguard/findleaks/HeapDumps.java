package io.leakguard.findleaks;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live heap dumps that exist only while they are analysed. A dump holds every secret in the server's memory (session
 * data, passwords, keys), so it is written into a directory only the server's user can enter, deleted as soon as the
 * analysis ends, whatever happens, and never handed out; the dump of a process killed before it could delete it is
 * deleted by a later dump in the same temporary directory.
 */
final class HeapDumps {

    /** Room left on the disk besides the dump, so a dump does not fill the disk the server writes its logs to. */
    private static final long MARGIN = 256L << 20;
    private static final String PREFIX = "leakguard-heap-";
    private static final String DUMP = "heap.hprof";
    /**
     * How long a dump of a process that cannot be seen is left alone: a server in another container that shares the
     * temporary directory has its own process ids, and may be writing or analysing it right now.
     */
    private static final Duration ABANDONED = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger("io.leakguard.findleaks");

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
            dump = directory.resolve(DUMP);
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(dump.toString(), true);
            return analysis.of(dump);
        } catch (IOException e) {
            throw new IllegalStateException("heap dump failed: " + e.getMessage(), e);
        } finally {
            if (dump != null) {
                // The analysis read the dump through memory maps, which the JDK unmaps only once their buffers are
                // collected: until then a deleted dump keeps its room on the disk, and one on Windows cannot be
                // deleted. The analysis has let go of them; one collection, after the one the dump made, frees them.
                ForcedGc.standard().collect();
            }
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

    /** Named by the process that dumps, so that a later one can tell a dump nobody will delete. */
    private static Path privateDirectory() throws IOException {
        deleteLeftovers(Path.of(System.getProperty("java.io.tmpdir")));
        String prefix = PREFIX + ProcessHandle.current().pid() + "-";
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempDirectory(prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return Files.createTempDirectory(prefix);
    }

    /**
     * Deletes the dumps of processes that are gone: a server killed while it dumped or analysed (by the kernel out of
     * memory, by a forced stop) never deleted its dump, which holds that heap's secrets and its size on the disk.
     */
    private static void deleteLeftovers(Path temp) {
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(temp, PREFIX + "*")) {
            for (Path directory : directories) {
                deleteIfOwnerIsGone(directory);
            }
        } catch (IOException e) {
            LOG.warn("leakguard: could not look for heap dumps left in {}: {}", temp, e.toString());
        }
    }

    private static void deleteIfOwnerIsGone(Path directory) {
        String name = directory.getFileName().toString();
        int end = name.indexOf('-', PREFIX.length());
        try {
            if (end > 0 && ProcessHandle.of(Long.parseLong(name.substring(PREFIX.length(), end))).isEmpty()
                    && lastWritten(directory).isBefore(Instant.now().minus(ABANDONED))) {
                delete(directory.resolve(DUMP));
                delete(directory);
                LOG.info("leakguard: deleted the heap dump {} left by a process that is gone", directory);
            }
        } catch (RuntimeException e) {
            // Another's dump that cannot be deleted must not keep this server from looking for its own leaks.
            LOG.warn("leakguard: could not delete {}, left by a process that is gone: {}", directory, e.toString());
        }
    }

    /** When the dump in {@code directory}, or the directory if it has none, was last written to. */
    private static Instant lastWritten(Path directory) {
        Path dump = directory.resolve(DUMP);
        try {
            return Files.getLastModifiedTime(Files.exists(dump) ? dump : directory).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
