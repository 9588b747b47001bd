package io.leakguard.listener;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** The files this JVM holds open, as Linux lists them; the only honest way to see a jar the JDK forgot to close. */
final class OpenFiles {

    private static final Path DESCRIPTORS = Paths.get("/proc/self/fd");

    private OpenFiles() {
    }

    static boolean contains(Path file) {
        assumeTrue(Files.isDirectory(DESCRIPTORS), "needs Linux /proc to see open files");
        try (Stream<Path> descriptors = Files.list(DESCRIPTORS)) {
            return descriptors.anyMatch(descriptor -> file.equals(target(descriptor)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar file of a {@code jar:file:...!/entry} URL. */
    static Path jarOf(String jarUrl) {
        String spec = jarUrl.substring("jar:".length(), jarUrl.indexOf("!/"));
        return Paths.get(URI.create(spec));
    }

    private static Path target(Path descriptor) {
        try {
            return Files.readSymbolicLink(descriptor);
        } catch (IOException e) {
            // The descriptor Files.list used for itself is closed by now.
            return null;
        }
    }
}
