package io.leakguard.listener;

import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Gc;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import org.apache.catalina.Context;

/**
 * The {@code jvm-registrations} application after it built an HttpClient with its own Authenticator, kept it in a
 * static field, and was undeployed: with the field, to let the client go once the test has its verdict.
 */
record AuthenticatedClient(WeakReference<ClassLoader> loader, Field field) {

    static AuthenticatedClient undeployed(EmbeddedTomcat tomcat) throws ReflectiveOperationException {
        Context context = tomcat.deployPlain("jvm-registrations", "/app");
        tomcat.get("/app/leak?kind=httpclientauthenticated");
        Field client = context.getLoader().getClassLoader()
                .loadClass("io.leakguard.fixture.jvmregistrations.JvmRegistrationsServlet").getDeclaredField("client");
        client.setAccessible(true);
        return new AuthenticatedClient(tomcat.undeploy(context), client);
    }

    /**
     * Not to leave the leak to the tests that follow: once nothing holds the client, its selector thread or the JDK's
     * Cleaner lets it go, and the application with it.
     */
    void release() throws IllegalAccessException {
        field.set(null, null);
        Gc.collected(loader);
    }
}
