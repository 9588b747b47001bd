package io.leakguard.sites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Real byte code, thousands of classes of it: every library on the test class path (Tomcat, JUnit, ASM, ...). Each
 * class that makes a recorded call must pass the JVM's verifier exactly when it did before, and a class patched in
 * place must record the very sites ASM's rewrite of it records.
 */
class InstrumentedLibrariesTest {

    private final Map<String, byte[]> classes = new LinkedHashMap<>();

    @Test
    void everyInstrumentedClassVerifiesAsBeforeAndRecordsWhatAsmWould() throws IOException {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                read(new File(entry));
            }
        }
        Loader plain = new Loader(false);
        Loader instrumented = new Loader(true);
        List<String> differences = new ArrayList<>();
        int inPlace = 0;
        for (Map.Entry<String, byte[]> type : classes.entrySet()) {
            CallScan scan = CallScan.of(type.getValue());
            BitSet calling = scan.callingMethods();
            if (calling.isEmpty()) {
                continue;
            }
            String name = type.getKey();
            String before = verified(plain, name);
            String after = verified(instrumented, name);
            if (!before.equals(after)) {
                differences.add(name + ": " + before + " before, " + after + " instrumented");
            }
            SiteStubs stubs = new SiteStubs(scan, calling);
            if (stubs.inPlace()) {
                inPlace++;
                List<String> patched = sites(stubs.patched());
                List<String> rewritten = sites(SiteTransformer.rewrite(type.getValue(), calling));
                if (!patched.equals(rewritten)) {
                    differences.add(name + ": in place records " + patched + ", ASM " + rewritten);
                }
            }
        }
        assertEquals(List.of(), differences);
        assertTrue(inPlace >= 30, classes.size() + " classes, only " + inPlace + " patched in place");
    }

    private void read(File jar) throws IOException {
        try (JarFile file = new JarFile(jar)) {
            for (JarEntry entry : file.stream().toList()) {
                String path = entry.getName();
                if (path.endsWith(".class") && !path.startsWith("META-INF/") && !path.endsWith("module-info.class")
                        && !path.startsWith("io/leakguard/")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        classes.putIfAbsent(path.substring(0, path.length() - 6).replace('/', '.'), in.readAllBytes());
                    }
                }
            }
        }
    }

    /** Linking a class verifies it; listing its methods links it without running its static initialiser. */
    private static String verified(ClassLoader loader, String name) {
        try {
            loader.loadClass(name).getDeclaredMethods();
            return "verified";
        } catch (ClassNotFoundException | LinkageError e) {
            return e.toString();
        }
    }

    /** Every site constant a class hands to the recorder or a stand-in, with the method it hands it to, sorted. */
    private static List<String> sites(byte[] classfile) {
        List<String> sites = new ArrayList<>();
        if (classfile == null) {
            return sites;
        }
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    private Object constant;

                    @Override
                    public void visitLdcInsn(Object value) {
                        constant = value;
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String called,
                            boolean isInterface) {
                        if (owner.startsWith("io/leakguard/sites/")) {
                            sites.add(owner + "." + method + " " + constant);
                        }
                        constant = null;
                    }
                };
            }
        }, 0);
        sites.sort(null);
        return sites;
    }

    /** Child first over the libraries' classes, as a web application's loader. */
    private final class Loader extends ClassLoader {

        private final SiteTransformer transformer;

        Loader(boolean instrumented) {
            super("libraries", InstrumentedLibrariesTest.class.getClassLoader());
            transformer = instrumented ? new SiteTransformer() : null;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            byte[] classfile = classes.get(name);
            if (classfile == null) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                byte[] transformed = transformer == null ? null
                        : transformer.transform(this, name.replace('.', '/'), null, null, classfile);
                byte[] defined = transformed == null ? classfile : transformed;
                return defineClass(name, defined, 0, defined.length);
            }
        }
    }
}
