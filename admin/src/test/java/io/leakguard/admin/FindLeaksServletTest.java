package io.leakguard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.findleaks.LeakDetector;
import io.leakguard.findleaks.ServerLeakDetector;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
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
        servlet.init(config("text"));
        StringWriter body = new StringWriter();
        HttpServletResponse response = fake(HttpServletResponse.class, Map.of("getWriter", new PrintWriter(body)));
        HttpServletRequest request = fake(HttpServletRequest.class,
                Map.of("getUserPrincipal", (Principal) () -> "script", "isUserInRole", true));

        whileTheCheckIsInterrupted(() -> servlet.doGet(request, response));

        assertEquals("FAIL - the check failed: interrupted while waiting for a Find leaks check\n", body.toString());
    }

    /** The same for the page's button, which answers with a page. */
    @Test
    void aCheckThatFailsOnThePagesButtonIsAnsweredWithAFailPage() throws Exception {
        FindLeaksServlet servlet = new FindLeaksServlet();
        servlet.init(config("html"));
        StringWriter body = new StringWriter();
        HttpServletResponse response = fake(HttpServletResponse.class, Map.of("getWriter", new PrintWriter(body)));
        HttpSession session = fake(HttpSession.class, Map.of("getAttribute", "token"));
        HttpServletRequest request = fake(HttpServletRequest.class, Map.of("getUserPrincipal",
                (Principal) () -> "gui", "isUserInRole", true, "getSession", session, "getParameter", "token"));

        whileTheCheckIsInterrupted(() -> servlet.doPost(request, response));

        assertTrue(body.toString().contains("<p class=\"fail\">FAIL - the check failed: interrupted while waiting for"
                + " a Find leaks check</p>"), body.toString());
    }

    /** A request to the servlet, as the test makes it. */
    @FunctionalInterface
    private interface Request {
        void send() throws Exception;
    }

    /** Sends the request to a published detector, interrupted as Tomcat's stop interrupts a request still running. */
    private static void whileTheCheckIsInterrupted(Request request) throws Exception {
        try (LeakDetector detector = new LeakDetector(Duration.ZERO)) {
            ServerLeakDetector.publish(detector);
            Thread.currentThread().interrupt();
            request.send();
        } finally {
            Thread.interrupted();
            ServerLeakDetector.current().ifPresent(ServerLeakDetector::withdraw);
        }
    }

    /**
     * Mapped where no security constraint turns strangers away first (a web.xml that left them out), the servlet
     * still does: 401 without credentials, 403 without its role, and not a word of the report.
     */
    @Test
    void withoutItsRoleNobodyGetsTheReport() throws Exception {
        FindLeaksServlet servlet = new FindLeaksServlet();
        servlet.init(config("text"));
        assertEquals(List.of(401), refused(servlet, Map.of()));
        assertEquals(List.of(403), refused(servlet, Map.of("getUserPrincipal", (Principal) () -> "visitor")));
    }

    /** What the servlet sent as errors to a GET; fails if it wrote any body. */
    private static List<Object> refused(FindLeaksServlet servlet, Map<String, Object> request) throws Exception {
        List<Object> errors = new ArrayList<>();
        StringWriter body = new StringWriter();
        HttpServletResponse response = fake(HttpServletResponse.class, Map.of("getWriter", new PrintWriter(body),
                "sendError", (Call) args -> errors.add(args[0])));
        servlet.doGet(fake(HttpServletRequest.class, request), response);
        assertEquals("", body.toString());
        return errors;
    }

    private static ServletConfig config(String view) {
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
                return name.equals("view") ? view : null;
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(List.of("view"));
            }
        };
    }

    /** An answer computed from the arguments of the call. */
    @FunctionalInterface
    private interface Call {
        Object answer(Object[] args);
    }

    /**
     * An object of that interface whose methods return the value given for their name (what a {@link Call} given for
     * it answers), or null, false or 0.
     */
    private static <T> T fake(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Object answer = answers.get(method.getName());
                    if (answer instanceof Call call) {
                        answer = call.answer(args);
                    }
                    if (answer != null || !method.getReturnType().isPrimitive()) {
                        return answer;
                    }
                    return method.getReturnType() == boolean.class ? false : 0;
                }));
    }
}
