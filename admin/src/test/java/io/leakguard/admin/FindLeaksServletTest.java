package io.leakguard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leakguard.findleaks.LeakDetector;
import io.leakguard.findleaks.ServerLeakDetector;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The servlet alone, with a request and a response that only do what it asks of them. */
class FindLeaksServletTest {

    /** A check that cannot run is answered in the view's own words, never as an error page with a stack trace. */
    @Test
    void aCheckThatFailsIsAnsweredWithFail() throws Exception {
        FindLeaksServlet servlet = new FindLeaksServlet();
        servlet.init(config());
        StringWriter body = new StringWriter();
        HttpServletResponse response = fake(HttpServletResponse.class, Map.of("getWriter", new PrintWriter(body)));
        HttpServletRequest request = fake(HttpServletRequest.class,
                Map.of("getUserPrincipal", (Principal) () -> "script", "isUserInRole", true));
        try (LeakDetector detector = new LeakDetector(Duration.ZERO)) {
            ServerLeakDetector.publish(detector);
            // As Tomcat's stop interrupts the threads of a request still running.
            Thread.currentThread().interrupt();

            servlet.doGet(request, response);

            assertEquals("FAIL - the check failed: interrupted while waiting for a Find leaks check\n",
                    body.toString());
        } finally {
            Thread.interrupted();
            ServerLeakDetector.current().ifPresent(ServerLeakDetector::withdraw);
        }
    }

    private static ServletConfig config() {
        ServletContext context = fake(ServletContext.class, Map.of());
        return new ServletConfig() {
            @Override
            public String getServletName() {
                return "FindLeaksText";
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String name) {
                return name.equals("view") ? "text" : null;
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(List.of("view"));
            }
        };
    }

    /** An object of that interface whose methods return the value given for their name, or null, false or 0. */
    private static <T> T fake(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Object answer = answers.get(method.getName());
                    if (answer != null || !method.getReturnType().isPrimitive()) {
                        return answer;
                    }
                    return method.getReturnType() == boolean.class ? false : 0;
                }));
    }
}
