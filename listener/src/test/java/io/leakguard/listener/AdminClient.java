package io.leakguard.listener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;

/** A browser or a script talking to the admin application, as one user with basic credentials, or as nobody. */
final class AdminClient {

    static final String PASSWORD = "secret";

    private final int port;
    private final String user;
    /** Keeps the session cookie, as a browser does between the page and its button. */
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    AdminClient(int port, String user) {
        this.port = port;
        this.user = user;
    }

    /** The admin WAR as the build copied it next to the fixtures. */
    static Path war() {
        return Paths.get(System.getProperty("leakguard.fixtures", "target/fixtures")).resolve("leakguard-admin.war");
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> post(String path, String form) {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
