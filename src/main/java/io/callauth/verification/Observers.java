package io.callauth.verification;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.function.Function;

/** The {@link VerificationObserver}s (analytics): told in the background, never holding up an answer, failures logged. */
@ApplicationScoped
public class Observers {

    private static final Logger LOG = Logger.getLogger(Observers.class);

    private final List<VerificationObserver> observers;

    public Observers(Instance<VerificationObserver> observers) {
        this.observers = observers.stream().toList();
    }

    Uni<Void> tell(Function<VerificationObserver, Uni<Void>> call) {
        for (VerificationObserver o : observers) {
            call.apply(o).subscribe().with(ok -> {
            }, t -> LOG.debugf("observer %s failed: %s", o.getClass().getSimpleName(), t.toString()));
        }
        return Uni.createFrom().voidItem();
    }
}
