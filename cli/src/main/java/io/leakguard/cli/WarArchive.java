package io.leakguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks a WAR before Tomcat sees it: Tomcat reports a missing or broken archive as a page of stack traces, or
 * deploys an empty application from it.
 */
final class WarArchive {

    private static final int ZIP_MAGIC = 0x504b0304;

    private WarArchive() {
    }

    static void verify(Path war) throws BadInput {
        if (!Files.exists(war)) {
            throw new BadInput(war + ": no such file");
        }
        if (!Files.isRegularFile(war) || !Files.isReadable(war)) {
            throw new BadInput(war + ": not a readable file");
        }
        if (!startsLikeZip(war)) {
            throw new BadInput(war + ": not a WAR (not a zip archive)");
        }
        try (ZipFile zip = new ZipFile(war.toFile())) {
            readEveryEntry(zip);
        } catch (IOException | RuntimeException e) {
            throw new BadInput(war + ": corrupt archive (" + e.getMessage() + ")");
        }
    }

    private static boolean startsLikeZip(Path war) throws BadInput {
        try (InputStream in = Files.newInputStream(war)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4
                    && ((head[0] & 0xff) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8 | head[3] & 0xff)
                    == ZIP_MAGIC;
        } catch (IOException e) {
            throw new BadInput(war + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    /** A damaged entry only shows when it is inflated and its checksum compared. */
    private static void readEveryEntry(ZipFile zip) throws IOException {
        byte[] buffer = new byte[8192];
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            try (InputStream in = zip.getInputStream(entry)) {
                while (in.read(buffer) >= 0) {
                    // Reading is the check.
                }
            } catch (IOException e) {
                throw new IOException(entry.getName() + ": " + e.getMessage(), e);
            }
        }
    }
}
