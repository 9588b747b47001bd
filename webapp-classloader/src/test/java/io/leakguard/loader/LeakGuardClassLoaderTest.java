package io.leakguard.loader;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.Policy;
import io.leakguard.testing.Gc;
import java.lang.ref.WeakReference;
import org.apache.catalina.Server;
import org.apache.catalina.core.StandardServer;
import org.junit.jupiter.api.Test;

class LeakGuardClassLoaderTest {

    /** An embedding application that makes servers for a while, as tests do, gets each one's memory back. */
    @Test
    void aServerDroppedIsNotKeptForItsPolicy() {
        assertTrue(Gc.collected(new WeakReference<>(serverWithItsOwnPolicy())));
    }

    private static Server serverWithItsOwnPolicy() {
        Server server = new StandardServer();
        LeakGuardClassLoader.setPolicy(server, Policy.defaults());
        return server;
    }
}
