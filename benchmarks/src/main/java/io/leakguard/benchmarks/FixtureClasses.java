package io.leakguard.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The classes of the built fixture web applications ({@code fixtures/*}{@code /target/*.war}, their {@code WEB-INF/lib}
 * jars included): real application byte code, most of it making the calls leakguard instruments.
 */
final class FixtureClasses {

    private static final String CLASSES = "WEB-INF/classes/";

    private final Map<String, byte[]> code = new LinkedHashMap<>();

    FixtureClasses(Path fixtures) {
        try (DirectoryStream<Path> modules = Files.newDirectoryStream(fixtures)) {
            for (Path module : modules) {
                Path target = module.resolve("target");
                if (!Files.isDirectory(target)) {
                    continue;
                }
                try (DirectoryStream<Path> wars = Files.newDirectoryStream(target, "*.war")) {
                    for (Path war : wars) {
                        read(Files.readAllBytes(war), "");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (code.isEmpty()) {
            throw new IllegalStateException("no fixture WAR under " + fixtures.toAbsolutePath()
                    + "; build them first: mvn -pl fixtures/all -am install -DskipTests");
        }
    }

    private void read(byte[] archive, String prefix) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                if (name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")) {
                    read(zip.readAllBytes(), "");
                } else if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                    String path = name.startsWith(CLASSES) ? name.substring(CLASSES.length()) : prefix + name;
                    code.putIfAbsent(path.substring(0, path.length() - ".class".length()).replace('/', '.'),
                            zip.readAllBytes());
                }
            }
        }
    }

    int size() {
        return code.size();
    }

    /** Defines every class in a new loader, each passed through {@code transformer} first when there is one. */
    int defineAll(ClassLoader parent, ClassFileTransformer transformer) {
        Loader loader = new Loader(parent, transformer);
        int defined = 0;
        for (String name : code.keySet()) {
            try {
                loader.loadClass(name);
                defined++;
            } catch (ClassNotFoundException | LinkageError e) {
                // A fixture class whose supertype lives in the server's lib, absent here; the same with and without.
            }
        }
        return defined;
    }

    private final class Loader extends ClassLoader {

        private final ClassFileTransformer transformer;

        Loader(ClassLoader parent, ClassFileTransformer transformer) {
            super("bench-fixtures", parent);
            this.transformer = transformer;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] original = code.get(name);
            if (original == null) {
                throw new ClassNotFoundException(name);
            }
            byte[] bytes = original;
            if (transformer != null) {
                try {
                    byte[] transformed = transformer.transform(this, name.replace('.', '/'), null, null, original);
                    bytes = transformed == null ? original : transformed;
                } catch (IllegalClassFormatException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
