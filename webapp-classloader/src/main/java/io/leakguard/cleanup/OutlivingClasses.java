package io.leakguard.cleanup;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The classes that outlive a stopping web application: those of the loaders above it, read from their own lists, and
 * the JDK's bootstrap classes, which no Java object lists. For those, the HotSpot diagnostic command behind
 * {@code jcmd VM.class_hierarchy} names every loaded class with its loader, and a bootstrap class is then looked up by
 * name, which loads nothing new. Hidden classes, such as lambdas, cannot be looked up and are left out. Neither lists
 * primitive types nor arrays, which a dynamic language runtime meets as often as any class: the primitive types and
 * their arrays are added, and the arrays of {@code Object} and {@code String}; other arrays are left out, as asking
 * for one makes it.
 */
final class OutlivingClasses {

    private static final String DIAGNOSTIC_COMMANDS = "com.sun.management:type=DiagnosticCommand";
    /** How the command marks a class of the bootstrap loader, which has no address. */
    private static final String BOOTSTRAP = "/null";
    private static final List<Class<?>> UNLISTED = List.of(boolean.class, byte.class, char.class, short.class,
            int.class, long.class, float.class, double.class, void.class, boolean[].class, byte[].class, char[].class,
            short[].class, int[].class, long[].class, float[].class, double[].class, Object[].class, String[].class);

    private OutlivingClasses() {
    }

    /** The classes of the loaders above {@code loader}, then the bootstrap classes. */
    static Collection<Class<?>> above(ClassLoader loader) throws JMException {
        Set<Class<?>> classes = new LinkedHashSet<>();
        for (ClassLoader parent = loader.getParent(); parent != null; parent = parent.getParent()) {
            classes.addAll(LoadedClasses.of(parent));
        }
        classes.addAll(bootstrap());
        classes.addAll(UNLISTED);
        return classes;
    }

    private static Set<Class<?>> bootstrap() throws JMException {
        String hierarchy = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName(DIAGNOSTIC_COMMANDS), "vmClassHierarchy", new Object[] {null},
                new String[] {String[].class.getName()});
        Set<Class<?>> classes = new LinkedHashSet<>();
        for (String line : hierarchy.split("\n")) {
            String name = bootstrapName(line);
            if (name == null) {
                continue;
            }
            try {
                classes.add(Class.forName(name, false, null));
            } catch (ClassNotFoundException | LinkageError e) {
                // Unloaded meanwhile, or a name the command spells otherwise: nothing of it can hold a value then.
            }
        }
        return classes;
    }

    /**
     * The class name on one line of the hierarchy, {@code |  |--java.lang.String/null (intf)}, when its loader is the
     * bootstrap loader and it is not hidden (a hidden class's name holds a slash of its own); null otherwise.
     */
    static String bootstrapName(String line) {
        int from = line.lastIndexOf("|--");
        int start = from < 0 ? 0 : from + 3;
        int space = line.indexOf(' ', start);
        String entry = line.substring(start, space < 0 ? line.length() : space).strip();
        if (!entry.endsWith(BOOTSTRAP)) {
            return null;
        }
        String name = entry.substring(0, entry.length() - BOOTSTRAP.length());
        return name.isEmpty() || name.indexOf('/') >= 0 ? null : name;
    }
}
