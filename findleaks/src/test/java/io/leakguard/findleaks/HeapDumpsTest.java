package io.leakguard.findleaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** A heap dump holds every secret of the server: only its user can read it, and it is gone once analysed. */
class HeapDumpsTest {

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
