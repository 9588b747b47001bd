package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/** Reading the bootstrap classes from the JVM's class hierarchy, as {@code jcmd VM.class_hierarchy} prints it. */
class OutlivingClassesTest {

    @Test
    void readsTheNamesOfBootstrapClassesOnly() {
        assertEquals("java.lang.Object", OutlivingClasses.bootstrapName("java.lang.Object/null"));
        assertEquals("java.lang.String", OutlivingClasses.bootstrapName("|--java.lang.String/null"));
        assertEquals("java.util.Map", OutlivingClasses.bootstrapName("|  |  |--java.util.Map/null (intf)"));
        assertNull(OutlivingClasses.bootstrapName("|--java.lang.Runnable$$Lambda$44/0x00007f638807da40/null"));
        assertNull(OutlivingClasses.bootstrapName("|  |--org.apache.catalina.Host/0x00007f6408113a20 (intf)"));
    }

    @Test
    void findsTheServerLoadersClassesAndTheJdksOwn() throws Exception {
        try (URLClassLoader webapp = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
            var outliving = OutlivingClasses.above(webapp);
            assertTrue(outliving.contains(String.class));
            assertTrue(outliving.contains(OutlivingClassesTest.class));
            assertTrue(outliving.contains(Test.class));
        }
    }
}
