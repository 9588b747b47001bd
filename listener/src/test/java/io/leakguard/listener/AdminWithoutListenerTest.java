package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leakguard.testing.EmbeddedTomcat;
import org.junit.jupiter.api.Test;

/** The admin application on a server without the listener says so, in each format, instead of failing. */
class AdminWithoutListenerTest {

    private static final String NOT_INSTALLED = "leakguard's LeakPreventionListener is not installed in this server"
            + " (a <Listener> in conf/server.xml), so nothing watches stopped applications";

    @Test
    void answersFailWithTheReason() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start()) {
            tomcat.addUser("script", AdminClient.PASSWORD, "manager-script");
            tomcat.addUser("gui", AdminClient.PASSWORD, "manager-gui");
            tomcat.deploy(AdminClient.war(), "/leakguard", null);
            AdminClient script = new AdminClient(tomcat.port(), "script");

            assertEquals("FAIL - " + NOT_INSTALLED + "\n", script.get("/leakguard/text/findleaks").body());
            assertEquals("{\"status\": \"FAIL\", \"message\": \"" + NOT_INSTALLED + "\"}\n",
                    script.get("/leakguard/text/findleaks?format=json").body());
            String page = new AdminClient(tomcat.port(), "gui").get("/leakguard/").body();
            assertEquals(true, page.contains("FAIL - leakguard&#39;s LeakPreventionListener is not installed in this"
                    + " server (a &lt;Listener&gt; in conf/server.xml)"), page);
        }
    }
}
