package io.leakguard.cleanup;

import java.util.List;
import java.util.Set;

/**
 * HttpClients that keep the web application's ProxySelector. A client built without a proxy of its own takes the
 * JVM-wide default selector of that moment and keeps it for its whole life, so a client built while the application's
 * selector was the default (by the application itself, by another one, or by a library of the server) goes on holding
 * the application, and calling its code, after {@link NetDefaults} has reset the default. A client given the
 * application's selector keeps it the same way.
 *
 * <p>Only warns, whatever the setting: the client may be another application's, and giving it another selector would
 * change where its requests go. The application's own clients that {@link HttpClients} recognises, it reports and
 * fixes itself, so they are left to it unless it is off.
 * The application stays in memory until the client is closed or collected; the warning says where the client was
 * built when instrumented code recorded it. Reading a client's selector needs
 * {@code --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED}; without it this check finds nothing, as the
 * start-up line says.
 */
final class HttpClientProxySelectors implements LeakCheck {


    @Override
    public String id() {
        return "httpClientProxySelectors";
    }

    @Override
    public String kind() {
        return "ProxySelector";
    }

    @Override
    public Mode defaultMode() {
        return Mode.WARN;
    }

    @Override
    public List<Improvement> improvedBy() {
        return List.of(new Improvement(HttpClientHoldings.PROXY_SELECTOR, "an HttpClient that keeps a stopping web "
                + "application's ProxySelector, and with it the application, is named"));
    }

    @Override
    public void run(Scan scan) throws IllegalAccessException {
        if (!HttpClientHoldings.PROXY_SELECTOR.available() || !HttpClients.SELECTOR_OWNER.available()
                || !HttpClientHoldings.USER_PROXY_SELECTOR.available()) {
            return;
        }
        // Looked for once a client keeps the application's selector, which few do.
        Set<Object> applications = null;
        for (Thread thread : LiveThreads.all()) {
            if (!HttpClients.isSelector(thread)) {
                continue;
            }
            Object client = HttpClients.SELECTOR_OWNER.get(thread);
            Object selector = HttpClientHoldings.PROXY_SELECTOR.get(client);
            if (!scan.ownership().ownsObject(selector)) {
                continue;
            }
            if (applications == null) {
                applications = HttpClients.applications(scan);
            }
            if (applications.contains(client)) {
                continue;
            }
            String builtAt = HttpClients.builtAt(client);
            String built = builtAt == null ? "" : " built at " + builtAt;
            boolean given = HttpClientHoldings.USER_PROXY_SELECTOR.get(client) == selector;
            scan.leak("ProxySelector " + Describe.object(selector) + (given
                    ? " given to a java.net.http.HttpClient" + built
                    : " kept by a java.net.http.HttpClient" + built + " while it was the JVM-wide default"))
                    .via(List.of("HttpClientImpl.proxySelector")).onThreads(List.of(thread.getName()))
                    .warned(scan.fixing() ? "giving the client another selector would change where its requests go;"
                            + " the application stays in memory until that client is closed" : scan.policyReason());
        }
    }
}
