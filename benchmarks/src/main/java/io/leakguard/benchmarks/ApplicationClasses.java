package io.leakguard.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The byte code of a web application, defined in a loader of its own as Tomcat's would, child first, each class
 * passed through a transformer when there is one: either the built fixture web applications, or whole libraries
 * taken out of the benchmark jar, which stand for a large application of real code.
 */
final class ApplicationClasses {

    private static final String CLASSES = "WEB-INF/classes/";

    private final Map<String, byte[]> code = new LinkedHashMap<>();
    /** Where the loader reads each class from, as a web application's loader does; null to take it from memory. */
    private Path jar;

    private ApplicationClasses() {
    }

    /**
     * The classes of the built fixture web applications ({@code fixtures/*}{@code /target/*.war}, their
     * {@code WEB-INF/lib} jars included): real application byte code, most of it making the calls leakguard
     * instruments.
     */
    static ApplicationClasses fixtures(Path fixtures) {
        ApplicationClasses classes = new ApplicationClasses();
        try (DirectoryStream<Path> modules = Files.newDirectoryStream(fixtures)) {
            for (Path module : modules) {
                Path target = module.resolve("target");
                if (!Files.isDirectory(target)) {
                    continue;
                }
                try (DirectoryStream<Path> wars = Files.newDirectoryStream(target, "*.war")) {
                    for (Path war : wars) {
                        classes.read(Files.readAllBytes(war), List.of(""));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (classes.code.isEmpty()) {
            throw new IllegalStateException("no fixture WAR under " + fixtures.toAbsolutePath()
                    + "; build them first: mvn -pl fixtures/all -am install -DskipTests");
        }
        return classes;
    }

    /** The classes of the benchmark jar under the given package prefixes ({@code org/apache/catalina/}, ...). */
    static ApplicationClasses library(String... packages) {
        ApplicationClasses classes = new ApplicationClasses();
        try {
            Path jar = Path.of(ApplicationClasses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("run from the benchmark jar (./benchmarks/run), not from " + jar);
            }
            classes.read(Files.readAllBytes(jar), List.of(packages));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return classes;
    }

    /** Reads the classes of an archive under one of the prefixes; nested jars are read whole. */
    private void read(byte[] archive, List<String> packages) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                if (name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")) {
                    read(zip.readAllBytes(), List.of(""));
                } else if (name.endsWith(".class") && !name.endsWith("module-info.class")
                        && !name.startsWith("META-INF/")) {
                    String path = name.startsWith(CLASSES) ? name.substring(CLASSES.length()) : name;
                    if (packages.stream().anyMatch(path::startsWith)) {
                        code.putIfAbsent(path.substring(0, path.length() - ".class".length()).replace('/', '.'),
                                zip.readAllBytes());
                    }
                }
            }
        }
    }

    int size() {
        return code.size();
    }

    /**
     * The same classes, read by each new loader from a compressed jar file as Tomcat reads {@code WEB-INF/lib}: what a
     * class costs to load then, beside defining it, is the real denominator of the transformer's share.
     */
    ApplicationClasses inJar() {
        ApplicationClasses classes = new ApplicationClasses();
        classes.code.putAll(code);
        try {
            classes.jar = Files.createTempFile("leakguard-bench", ".jar");
            classes.jar.toFile().deleteOnExit();
            writeJar(classes.jar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    /**
     * The classes as an unpacked web application, for Tomcat to load: in one jar under {@code WEB-INF/lib}, as a
     * library's are, or as files under {@code WEB-INF/classes}, as the application's own. Its web.xml is
     * metadata-complete, so a deploy does not scan them for annotations.
     */
    Path webapp(boolean inLib) {
        try {
            Path webapp = Files.createTempDirectory("leakguard-bench-webapp");
            Path webInf = Files.createDirectories(webapp.resolve("WEB-INF"));
            Files.writeString(webInf.resolve("web.xml"), "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" "
                    + "version=\"6.0\" metadata-complete=\"true\"/>\n");
            if (inLib) {
                writeJar(Files.createDirectories(webInf.resolve("lib")).resolve("application.jar"));
            } else {
                for (Map.Entry<String, byte[]> type : code.entrySet()) {
                    Path file = webInf.resolve("classes").resolve(entryName(type.getKey()));
                    Files.createDirectories(file.getParent());
                    Files.write(file, type.getValue());
                }
            }
            return webapp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Set<String> names() {
        return code.keySet();
    }

    /** Each class's bytes, by its binary name. */
    Map<String, byte[]> bytes() {
        return Collections.unmodifiableMap(code);
    }

    private void writeJar(Path file) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> type : code.entrySet()) {
                out.putNextEntry(new JarEntry(entryName(type.getKey())));
                out.write(type.getValue());
            }
        }
    }

    private static String entryName(String className) {
        return className.replace('.', '/') + ".class";
    }

    /** A new loader for these classes, each passed through {@code transformer} first when there is one. */
    ClassLoader loader(ClassLoader parent, ClassFileTransformer transformer) {
        return new Loader(parent, transformer);
    }

    /** Passes every class through {@code transformer}, defining none, and returns how many it changed. */
    int transformAll(ClassFileTransformer transformer) {
        int changed = 0;
        for (Map.Entry<String, byte[]> type : code.entrySet()) {
            try {
                if (transformer.transform(null, type.getKey().replace('.', '/'), null, null, type.getValue()) != null) {
                    changed++;
                }
            } catch (IllegalClassFormatException e) {
                throw new IllegalStateException(type.getKey(), e);
            }
        }
        return changed;
    }

    /** Defines every class in a new loader and returns how many could be. */
    int defineAll(ClassLoader parent, ClassFileTransformer transformer) {
        Loader loader = new Loader(parent, transformer);
        int defined = 0;
        for (String name : code.keySet()) {
            try {
                loader.loadClass(name);
                defined++;
            } catch (ClassNotFoundException | LinkageError e) {
                // A class whose supertype lives in a library not at hand (the server's lib, an optional
                // dependency); the same with and without the transformer.
            }
        }
        loader.close();
        return defined;
    }

    /** Child first, as a web application's loader: the benchmark's own copy of a library must not win. */
    private final class Loader extends ClassLoader {

        private final ClassFileTransformer transformer;
        private JarFile opened;

        Loader(ClassLoader parent, ClassFileTransformer transformer) {
            super("bench-application", parent);
            this.transformer = transformer;
        }

        /** Closes the jar, as Tomcat does when the application stops; the classes stay defined. */
        void close() {
            try {
                if (opened != null) {
                    opened.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private byte[] read(String name) throws ClassNotFoundException {
            if (jar == null || !code.containsKey(name)) {
                return code.get(name);
            }
            try {
                if (opened == null) {
                    opened = new JarFile(jar.toFile());
                }
                JarEntry entry = opened.getJarEntry(entryName(name));
                try (InputStream in = opened.getInputStream(entry)) {
                    return in.readAllBytes();
                }
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!code.containsKey(name)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] original = read(name);
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
