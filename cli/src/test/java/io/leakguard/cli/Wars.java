package io.leakguard.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** WAR files for the tests: the bundled fixtures under short names, and broken ones. */
final class Wars {

    private static final Path DEMO_WARS = Demo.extractWars();

    private Wars() {
    }

    /** A bundled fixture, copied to {@code dir} as {@code <fixture>.war}, so it deploys at {@code /<fixture>}. */
    static Path fixture(Path dir, String fixture) {
        try {
            return Files.copy(DEMO_WARS.resolve("leakguard-fixture-" + fixture + ".war"),
                    dir.resolve(fixture + ".war"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A WAR made of the given entries, by name and text. */
    static Path of(Path file, Map<String, String> entries) {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
