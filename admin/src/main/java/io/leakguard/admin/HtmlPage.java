package io.leakguard.admin;

import io.leakguard.findleaks.LeakedWebapp;
import java.util.Optional;

/**
 * The page for people: the "Find leaks" button and the last result with each chain. Everything printed into it is
 * escaped: application names, class names and field values come from the web applications.
 */
final class HtmlPage {

    private HtmlPage() {
    }

    /**
     * @param action where the button posts to: this page's own address, wherever the servlet is mapped
     * @param shown the check to show; empty before the first one
     */
    static String of(String action, String token, Optional<Answer> shown) {
        StringBuilder html = head().append("<p>Stopped web applications whose class loader survives forced garbage"
                + " collection, and the chain of references from a GC root that keeps each one in memory.</p>\n")
                .append("<form method=\"post\" action=\"").append(escape(action)).append("\">")
                .append("<input type=\"hidden\" name=\"").append(CsrfToken.PARAMETER).append("\" value=\"")
                .append(escape(token)).append("\"><button type=\"submit\">Find leaks</button></form>\n");
        shown.ifPresentOrElse(answer -> result(html, answer), () -> html.append("<p>No check has run yet.</p>\n"));
        return html.append("</body></html>\n").toString();
    }

    static String fail(String message) {
        return head().append("<p class=\"fail\">FAIL - ").append(escape(message)).append("</p>\n</body></html>\n")
                .toString();
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static StringBuilder head() {
        return new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>leakguard - Find leaks</title><style>body{font-family:sans-serif;margin:2em}"
                + "pre{background:#f4f4f4;padding:.5em;overflow-x:auto}.fail{color:#a00}</style></head>\n"
                + "<body><h1>leakguard - Find leaks</h1>\n");
    }

    private static void result(StringBuilder html, Answer answer) {
        html.append("<p class=\"status\">")
                .append(escape(answer.check().leaks().isEmpty() ? TextReport.NONE : TextReport.FOUND)).append("</p>\n");
        if (answer.cached()) {
            html.append("<p class=\"cached\">").append(escape(answer.cachedNote())).append("</p>\n");
        }
        if (answer.check().leaks().isEmpty()) {
            return;
        }
        html.append("<ul>\n");
        for (LeakedWebapp leak : answer.check().leaks()) {
            html.append("<li><strong>").append(escape(TextReport.line(leak))).append("</strong><pre>")
                    .append(escape(TextReport.explanation(leak))).append("</pre></li>\n");
        }
        html.append("</ul>\n");
    }
}
