package io.leakguard.cleanup;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

/**
 * What an application does with a response body that is still coming, which {@link DyingLoader}s define anew in
 * engine tests. Told that the body will not come, it waits until the server's {@link CallbackGate} opens, as code
 * that hands the failure on to a peer no longer reading does, or, when {@link #fails}, throws.
 */
public final class ApplicationBodySubscriber implements HttpResponse.BodySubscriber<Void> {

    public final CountDownLatch subscribed = new CountDownLatch(1);
    public boolean fails;

    @Override
    public CompletionStage<Void> getBody() {
        return new CompletableFuture<>();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
        subscribed.countDown();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
    }

    @Override
    public void onError(Throwable failure) {
        CallbackGate gate = CallbackGate.current();
        gate.running.countDown();
        if (fails) {
            throw new IllegalStateException("the application's stream is closed");
        }
        gate.awaitRelease();
    }

    @Override
    public void onComplete() {
    }
}
