package io.leakguard.cleanup;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Calls {@link java.sql.DriverManager} as if from inside a web application. DriverManager lists and deregisters only
 * the drivers whose class the <em>calling class's</em> loader can load, so called from leakguard, on the server's
 * class path, it sees none of a web application's drivers and refuses to deregister them. The calls are therefore
 * made by a tiny class generated here and defined beside one of the application's own classes, in its package and
 * loader: DriverManager sees that class as its caller. It needs no {@code --add-opens}, since an application's
 * packages are open to every module, and it goes when the loader goes. It cannot be a hidden class: defining one
 * takes full-privilege access to the application's module, which no code outside that module gets, whereas a
 * private lookup from outside may still define an ordinary class in the package.
 */
final class DriverManagerCaller {

    private static final String SIMPLE_NAME = "LeakGuardDriverManagerCaller$";
    /** A loader refuses a second class of the same name; every caller gets a new one. */
    private static final AtomicLong DEFINED = new AtomicLong();
    private static final MethodType DRIVERS = MethodType.methodType(Enumeration.class);
    private static final MethodType DEREGISTER = MethodType.methodType(void.class, Driver.class);

    private final MethodHandle drivers;
    private final MethodHandle deregister;

    private DriverManagerCaller(MethodHandles.Lookup lookup, Class<?> caller) throws ReflectiveOperationException {
        drivers = lookup.findStatic(caller, "drivers", DRIVERS);
        deregister = lookup.findStatic(caller, "deregister", DEREGISTER);
    }

    /** A caller in the package and class loader of {@code anchor}, which must not be a JDK class. */
    static DriverManagerCaller beside(Class<?> anchor) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(anchor, MethodHandles.lookup());
            return new DriverManagerCaller(lookup, lookup.defineClass(bytecode(anchor.getPackageName())));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot define a DriverManager caller beside " + anchor.getName(), e);
        }
    }

    /** The registered drivers this caller's loader can see, as {@code DriverManager.getDrivers()} lists them. */
    List<Driver> drivers() {
        try {
            @SuppressWarnings("unchecked")
            Enumeration<Driver> registered = (Enumeration<Driver>) drivers.invoke();
            return Collections.list(registered);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("DriverManager.getDrivers() failed", e);
        }
    }

    void deregister(Driver driver) throws SQLException {
        try {
            deregister.invoke(driver);
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("DriverManager.deregisterDriver() failed", e);
        }
    }

    /**
     * {@code static Enumeration drivers() { return DriverManager.getDrivers(); }} and
     * {@code static void deregister(Driver d) { DriverManager.deregisterDriver(d); }}, in {@code packageName}.
     */
    private static byte[] bytecode(String packageName) {
        String simpleName = SIMPLE_NAME + DEFINED.incrementAndGet();
        String name = packageName.isEmpty() ? simpleName : packageName.replace('.', '/') + "/" + simpleName;
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_SUPER, name, null,
                "java/lang/Object", null);

        MethodVisitor drivers = writer.visitMethod(Opcodes.ACC_STATIC, "drivers", DRIVERS.toMethodDescriptorString(),
                null, null);
        drivers.visitCode();
        drivers.visitMethodInsn(Opcodes.INVOKESTATIC, "java/sql/DriverManager", "getDrivers",
                DRIVERS.toMethodDescriptorString(), false);
        drivers.visitInsn(Opcodes.ARETURN);
        drivers.visitMaxs(0, 0);
        drivers.visitEnd();

        MethodVisitor deregister = writer.visitMethod(Opcodes.ACC_STATIC, "deregister",
                DEREGISTER.toMethodDescriptorString(), null, null);
        deregister.visitCode();
        deregister.visitVarInsn(Opcodes.ALOAD, 0);
        deregister.visitMethodInsn(Opcodes.INVOKESTATIC, "java/sql/DriverManager", "deregisterDriver",
                DEREGISTER.toMethodDescriptorString(), false);
        deregister.visitInsn(Opcodes.RETURN);
        deregister.visitMaxs(0, 0);
        deregister.visitEnd();

        writer.visitEnd();
        return writer.toByteArray();
    }
}
