package io.leakguard.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The byte code of a web application's classes, generated once so that every loader in a run defines the same ones.
 * Each class has a constructor and a few static fields, the shape of an ordinary application class; the fields stay
 * unset because the classes are defined, not initialised, as most classes of a real application are at stop time.
 */
final class WebappClasses {

    /** What defines a class in a loader: the benchmark loaders expose their protected {@code defineClass} this way. */
    interface Definer {
        Class<?> define(String name, byte[] code);
    }

    private final List<String> names = new ArrayList<>();
    private final List<byte[]> code = new ArrayList<>();

    WebappClasses(int count) {
        for (int i = 0; i < count; i++) {
            String name = "bench.webapp.p" + (i / 500) + ".C" + i;
            names.add(name);
            code.add(generate(name.replace('.', '/')));
        }
    }

    void defineAll(Definer loader) {
        for (int i = 0; i < names.size(); i++) {
            loader.define(names.get(i), code.get(i));
        }
    }

    private static byte[] generate(String internalName) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, internalName, null, "java/lang/Object", null);
        writer.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "cache", "Ljava/util/Map;", null, null).visitEnd();
        writer.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "name", "Ljava/lang/String;", null, null)
                .visitEnd();
        writer.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "count", "I", null, null).visitEnd();
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(1, 1);
        init.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }
}
