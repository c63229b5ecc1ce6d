package io.callauth.common;

import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/**
 * Background work (a scheduler's tick) run on a fresh Vert.x duplicated context, outside any CDI request context.
 * Quarkus activates a request context for every scheduled method; a REST client called inside one then asks the
 * request-scoped {@code HttpHeaders} for incoming headers to propagate, finds no REST request and throws (and catches)
 * an {@code IllegalStateException} per call: a stack trace built for nothing on every provider poll.
 */
public final class Detached {

    private Detached() {
    }

    /** {@code work} assembled and subscribed on a new duplicated context of {@code vertx}; its result, or its failure */
    public static <T> Uni<T> run(Vertx vertx, Supplier<Uni<T>> work) {
        Context fresh = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        return Uni.createFrom().emitter(em -> fresh.runOnContext(ignored -> {
            Uni<T> u;
            try {
                u = work.get();
            } catch (RuntimeException e) {
                em.fail(e);
                return;
            }
            u.subscribe().with(em::complete, em::fail);
        }));
    }
}
