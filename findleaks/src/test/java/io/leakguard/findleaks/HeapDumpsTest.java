package io.leakguard.findleaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A heap dump holds every secret of the server: only its user can read it, and it is gone once analysed. */
class HeapDumpsTest {

    private final List<Path> leftovers = new ArrayList<>();

    @Test
    void dumpIsPrivateWhileAnalysedAndDeletedAfter() {
        Path dump = HeapDumps.analyse(file -> {
            assertTrue(Files.size(file) > 0);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
            assertEquals("------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)).substring(3),
                    "the group and others can read the dump");
            return file;
        });
        assertFalse(Files.exists(dump));
        assertFalse(Files.exists(dump.getParent()));
    }

    /**
     * The dump is read through memory maps, which the JDK unmaps only once their buffers are collected: until then
     * the deleted dump keeps its room on the disk, for as long as the server goes without an old collection.
     */
    @Test
    void theDeletedDumpIsUnmappedOnceAnalysed() throws Exception {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "a Linux /proc to read the maps from");
        Path dump = HeapDumps.analyse(file -> {
            try (HprofFile read = new HprofFile(file)) {
                assertTrue(Files.readString(maps).contains(file.toString()), "the dump is not mapped");
                return file;
            }
        });

        long deadline = System.nanoTime() + 2_000_000_000L;
        while (Files.readString(maps).contains(dump.toString()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(Files.readString(maps).contains(dump.toString()), "the deleted dump is still mapped");
    }

    /** A node of a linked list takes 16 bytes in the heap and 33 in a dump: a 25-byte record head, an 8-byte id. */
    private static final class Node {
        final Node next;

        Node(Node next) {
            this.next = next;
        }
    }

    /** Else the dump could fill the disk the server writes its logs to. */
    @Test
    void roomAskedForCoversTheDumpOfAHeapOfSmallObjects() {
        Node list = null;
        for (int i = 0; i < 3_000_000; i++) {
            list = new Node(list);
        }
        ForcedGc.standard().collect();
        long room = HeapDumps.largestDump();

        long size = HeapDumps.analyse(Files::size);

        assertTrue(size <= room, (size >> 20) + " MB dumped, room asked for " + (room >> 20) + " MB");
        assertTrue(list.next != null);
    }

    /** A server killed while it dumped, by the kernel or by a forced stop, never got to delete its dump. */
    @Test
    void aDumpLeftByAProcessThatIsGoneIsDeletedAndOneOfALiveProcessIsNot() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Process alive = new ProcessBuilder("sleep", "60").start();
        try {
            Path left = leftover(gone.pid(), Duration.ofHours(2));
            Path running = leftover(alive.pid(), Duration.ofHours(2));
            // A server in another container that shares the temporary directory has a process id this one cannot see.
            Path elsewhere = leftover(gone.pid(), Duration.ofMinutes(1));

            HeapDumps.analyse(Files::size);

            assertFalse(Files.exists(left.getParent()), "the dump of a process that is gone is still there");
            assertTrue(Files.exists(running), "the dump of a live process was deleted");
            assertTrue(Files.exists(elsewhere), "a dump written a minute ago was deleted");
        } finally {
            alive.destroy();
        }
    }

    /** A dump in a directory named as HeapDumps names them, of the process {@code pid}, last written {@code age} ago. */
    private Path leftover(long pid, Duration age) throws IOException {
        Path dump = Files.createTempDirectory("leakguard-heap-" + pid + "-").resolve("heap.hprof");
        Files.write(dump, new byte[] {1});
        FileTime written = FileTime.from(Instant.now().minus(age));
        Files.setLastModifiedTime(dump, written);
        Files.setLastModifiedTime(dump.getParent(), written);
        leftovers.add(dump);
        return dump;
    }

    @AfterEach
    void deleteLeftovers() throws IOException {
        for (Path dump : leftovers) {
            Files.deleteIfExists(dump);
            Files.deleteIfExists(dump.getParent());
        }
    }

    @Test
    void dumpIsDeletedWhenTheAnalysisFails() {
        Path[] seen = new Path[1];
        assertThrows(IllegalStateException.class, () -> HeapDumps.analyse(file -> {
            seen[0] = file;
            throw new IOException("not an HPROF file");
        }));
        assertFalse(Files.exists(seen[0]));
        assertFalse(Files.exists(seen[0].getParent()));
    }
}
