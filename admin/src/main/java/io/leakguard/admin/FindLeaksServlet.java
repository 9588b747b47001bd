package io.leakguard.admin;

import io.leakguard.findleaks.LeakDetector;
import io.leakguard.findleaks.ServerLeakDetector;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Find leaks over HTTP: which stopped web applications are still in memory, and what holds each one. One declaration
 * per view (init-param {@code view}): {@code text} answers GET in the manager's text style, or as JSON with
 * {@code ?format=json}; {@code html} shows the last result on GET and checks on a POST that carries the page's token.
 * Every request needs the role in init-param {@code role}. A check forces full collections and may dump the heap, so a
 * request within {@code minCheckIntervalSeconds} of the last check, or while one runs, gets that check's result.
 *
 * <p>The class lives on the server's class path and keeps nothing of the web application that maps it: the admin
 * application, or the manager, can be undeployed and leaves nothing behind.
 */
public class FindLeaksServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String NOT_INSTALLED = "leakguard's LeakPreventionListener is not installed in this server"
            + " (a <Listener> in conf/server.xml), so nothing watches stopped applications";

    private boolean html;
    private String role;
    private Duration minCheckInterval;

    @Override
    public void init() throws ServletException {
        String view = Optional.ofNullable(getInitParameter("view")).orElse("text").toLowerCase(Locale.ROOT);
        if (!view.equals("text") && !view.equals("html")) {
            throw new ServletException("leakguard: init-param view must be text or html, not " + view);
        }
        html = view.equals("html");
        role = Optional.ofNullable(getInitParameter("role")).orElse(html ? "manager-gui" : "manager-script");
        String interval = Optional.ofNullable(getInitParameter("minCheckIntervalSeconds")).orElse("10");
        try {
            minCheckInterval = Duration.ofSeconds(Long.parseLong(interval.trim()));
        } catch (NumberFormatException e) {
            throw new ServletException("leakguard: init-param minCheckIntervalSeconds is not a number: " + interval);
        }
        if (minCheckInterval.isNegative()) {
            throw new ServletException("leakguard: init-param minCheckIntervalSeconds is negative: " + interval);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!permitted(request, response)) {
            return;
        }
        Optional<LeakDetector> detector = ServerLeakDetector.current();
        if (html) {
            // Showing the page never checks: a link or an image on another site must not be able to force a GC.
            Optional<Answer> last = detector.flatMap(LeakDetector::lastCheck)
                    .map(check -> new Answer(check, Instant.now(), minCheckInterval));
            page(request, response, detector.isPresent(), last);
            return;
        }
        boolean explain = "true".equalsIgnoreCase(request.getParameter("explain"));
        boolean json = "json".equalsIgnoreCase(request.getParameter("format"));
        String type = json ? "application/json" : "text/plain";
        if (detector.isEmpty()) {
            send(response, type, null, json ? JsonReport.fail(NOT_INSTALLED) : TextReport.fail(NOT_INSTALLED));
            return;
        }
        Answer answer;
        try {
            answer = check(detector.get());
        } catch (RuntimeException e) {
            String message = failed(e);
            send(response, type, null, json ? JsonReport.fail(message) : TextReport.fail(message));
            return;
        }
        send(response, type, answer, json ? JsonReport.of(answer, explain) : TextReport.of(answer, explain));
    }

    /** The page's button: a check, only with the token the page handed out in this session. */
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!permitted(request, response)) {
            return;
        }
        if (!html) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        if (!CsrfToken.matches(request.getSession(false), request.getParameter(CsrfToken.PARAMETER))) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        Optional<LeakDetector> detector = ServerLeakDetector.current();
        Optional<Answer> answer;
        try {
            answer = detector.map(this::check);
        } catch (RuntimeException e) {
            send(response, "text/html", null, HtmlPage.fail(failed(e)));
            return;
        }
        page(request, response, detector.isPresent(), answer);
    }

    /**
     * What a failed check tells the requester: its message, in the view's own words, not an error page with a stack
     * trace, which goes to the server's log.
     */
    private String failed(RuntimeException e) {
        log("leakguard: Find leaks could not check", e);
        return "the check failed: " + e.getMessage();
    }

    private static void page(HttpServletRequest request, HttpServletResponse response, boolean installed,
            Optional<Answer> shown) throws IOException {
        String token = CsrfToken.of(request.getSession());
        // Nobody may frame the page and trick a click on its button, nor run or load anything from elsewhere.
        response.setHeader("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        response.setHeader("X-Frame-Options", "DENY");
        send(response, "text/html", shown.orElse(null),
                installed ? HtmlPage.of(request.getRequestURI(), token, shown) : HtmlPage.fail(NOT_INSTALLED));
    }

    /**
     * Leak reports name applications and classes: no cache, proxy or browser history may keep them, and no browser
     * may take a text or JSON report, which quotes those names, for a page of its own.
     */
    private static void send(HttpServletResponse response, String type, Answer answer, String body)
            throws IOException {
        response.setContentType(type);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (answer != null && answer.cached()) {
            response.setHeader("Age", Long.toString(answer.ageSeconds()));
        }
        response.getWriter().write(body);
    }

    /**
     * The container's security constraints normally turn strangers away first; this also holds where the servlet is
     * mapped without them.
     */
    private boolean permitted(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getUserPrincipal() == null) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return false;
        }
        if (!request.isUserInRole(role)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return false;
        }
        return true;
    }

    private Answer check(LeakDetector detector) {
        Instant asked = Instant.now();
        try {
            return new Answer(detector.recentCheck(minCheckInterval), asked, minCheckInterval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Find leaks check", e);
        }
    }
}
