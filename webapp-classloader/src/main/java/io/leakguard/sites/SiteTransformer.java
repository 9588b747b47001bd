package io.leakguard.sites;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.BitSet;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the web application's calls listed in {@link SiteCall} so that each records, in {@link CreationSites}, the
 * source line it was made from. The line is known now, so the running call pays for a map entry and no stack walk.
 * Most classes make no such call, which {@link CallScan} tells from their bytes; most that do are patched in place by
 * {@link SiteStubs}; the rest are rewritten with ASM.
 *
 * <p>With ASM, only instructions are added, never a branch or a local, so the class's stack map frames stay valid and
 * no frame has to be computed: computing them means loading the classes the code names, from inside their loader's
 * {@code defineClass}. Any class this cannot parse is loaded exactly as it came.
 */
public final class SiteTransformer implements ClassFileTransformer {

    private static final Logger LOG = LoggerFactory.getLogger("io.leakguard");

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] classfile) {
        try {
            CallScan scan = CallScan.of(classfile);
            BitSet calling = scan.callingMethods();
            if (calling.isEmpty()) {
                return null;
            }
            SiteStubs stubs = new SiteStubs(scan, calling);
            return stubs.inPlace() ? stubs.patched() : rewrite(classfile, calling);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("leakguard: class {} loaded without creation sites: {}", className, e.toString());
            return null;
        }
    }

    /** The class with the recorded calls of its {@code calling} methods rewritten by ASM, or null if it has none. */
    static byte[] rewrite(byte[] classfile, BitSet calling) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        Instrumenter instrumenter = new Instrumenter(writer, calling);
        reader.accept(instrumenter, 0);
        return instrumenter.changed ? writer.toByteArray() : null;
    }

    /** Tomcat logs every transformer it adds, by this name. */
    @Override
    public String toString() {
        return "leakguard creation sites";
    }

    private static final class Instrumenter extends ClassVisitor {

        private final BitSet calling;
        private String className;
        private String superclass;
        private String sourceFile;
        private boolean changed;
        private int index;

        Instrumenter(ClassVisitor next, BitSet calling) {
            super(Opcodes.ASM9, next);
            this.calling = calling;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            className = name.replace('/', '.');
            superclass = superName;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public void visitSource(String source, String debug) {
            sourceFile = source;
            super.visitSource(source, debug);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            // Handed the writer's own visitor, ASM copies the method's bytes as they are instead of re-encoding them.
            if (!calling.get(index++)) {
                return next;
            }
            return new CallSiteRewriter(next, name.equals("<init>") ? superclass : null, line -> site(name, line),
                    () -> changed = true);
        }

        private String site(String method, int line) {
            return CreationSites.site(className, method, sourceFile, line);
        }
    }
}
