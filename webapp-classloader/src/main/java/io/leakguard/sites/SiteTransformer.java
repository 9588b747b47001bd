package io.leakguard.sites;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
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
    private static final String RECORDER = "io/leakguard/sites/CreationSites";
    private static final String CALLS = "io/leakguard/sites/Calls";
    private static final int CONSTANT_CLASS = 7;
    /** The most instrumentation adds to a method's operand stack: two copied values and the site. */
    private static final int EXTRA_STACK = 3;

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
            if (offset > 0 && reader.readByte(offset - 1) == CONSTANT_CLASS
                    && SiteCall.OWNERS.contains(reader.readUTF8(offset, buffer))) {
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
            return new CallSites(super.visitMethod(access, name, descriptor, signature, exceptions), name);
        }

        /** Where a call in this class is, in the form of a stack trace element. */
        String site(String method, int line) {
            String file = sourceFile == null ? "Unknown Source" : line > 0 ? sourceFile + ":" + line : sourceFile;
            return className + "." + method + "(" + file + ")";
        }

        private final class CallSites extends MethodVisitor {

            private final String method;
            private int line;
            private boolean rewritten;

            CallSites(MethodVisitor next, String method) {
                super(Opcodes.ASM9, next);
                this.method = method;
            }

            @Override
            public void visitLineNumber(int line, Label start) {
                this.line = line;
                super.visitLineNumber(line, start);
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                    boolean isInterface) {
                SiteCall call = SiteCall.find(opcode, owner, name, descriptor);
                if (call == null) {
                    super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                    return;
                }
                rewritten = true;
                changed = true;
                String site = site(method, line);
                switch (call.record()) {
                    case LAST_ARGUMENT -> {
                        record(site);
                        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                    }
                    case RECEIVER_AND_ARGUMENT -> {
                        super.visitInsn(Opcodes.DUP2);
                        super.visitLdcInsn(site);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, RECORDER, "record",
                                "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/String;)V", false);
                        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                    }
                    case RESULT -> {
                        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                        record(site);
                    }
                    case STAND_IN -> {
                        super.visitLdcInsn(site);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, CALLS, name, call.standInDescriptor(), false);
                    }
                }
            }

            private void record(String site) {
                super.visitInsn(Opcodes.DUP);
                super.visitLdcInsn(site);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, RECORDER, "record",
                        "(Ljava/lang/Object;Ljava/lang/String;)V", false);
            }

            @Override
            public void visitMaxs(int maxStack, int maxLocals) {
                super.visitMaxs(rewritten ? maxStack + EXTRA_STACK : maxStack, maxLocals);
            }
        }
    }
}
