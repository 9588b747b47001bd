package io.leakguard.sites;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
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
 *
 * <p>Only instructions are added, never a branch or a local, so the class's stack map frames stay valid and no frame
 * has to be computed: computing them means loading the classes the code names, from inside their loader's
 * {@code defineClass}. Any class this cannot parse is loaded exactly as it came.
 */
public final class SiteTransformer implements ClassFileTransformer {

    private static final Logger LOG = LoggerFactory.getLogger("io.leakguard");
    private static final int CONSTANT_CLASS = 7;
    private static final int CONSTANT_NAME_AND_TYPE = 12;

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] classfile) {
        try {
            ClassReader reader = new ClassReader(classfile);
            if (!namesAnOwner(reader)) {
                return null;
            }
            ClassWriter writer = new ClassWriter(reader, 0);
            Instrumenter instrumenter = new Instrumenter(writer);
            reader.accept(instrumenter, 0);
            return instrumenter.changed ? writer.toByteArray() : null;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("leakguard: class {} loaded without creation sites: {}", className, e.toString());
            return null;
        }
    }

    /** Tomcat logs every transformer it adds, by this name. */
    @Override
    public String toString() {
        return "leakguard creation sites";
    }

    /** A constant pool scan, far cheaper than visiting the code, rules out most classes. */
    private static boolean namesAnOwner(ClassReader reader) {
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            if (offset == 0) {
                continue;
            }
            int tag = reader.readByte(offset - 1);
            if (tag == CONSTANT_CLASS && SiteCall.OWNERS.contains(reader.readUTF8(offset, buffer))
                    || tag == CONSTANT_NAME_AND_TYPE && SiteCall.ANY_OWNER_METHODS.contains(
                            reader.readUTF8(offset, buffer) + reader.readUTF8(offset + 2, buffer))) {
                return true;
            }
        }
        return false;
    }

    private static final class Instrumenter extends ClassVisitor {

        private String className;
        private String sourceFile;
        private boolean changed;

        Instrumenter(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            className = name.replace('/', '.');
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
            return new CallSiteRewriter(super.visitMethod(access, name, descriptor, signature, exceptions),
                    line -> site(name, line), () -> changed = true);
        }

        private String site(String method, int line) {
            return CreationSites.site(className, method, sourceFile, line);
        }
    }
}
