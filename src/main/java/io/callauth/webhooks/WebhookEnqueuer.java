package io.callauth.webhooks;

import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.background.StreamEntry;
import io.callauth.background.StreamJob;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The webhooks' {@link StreamJob} (group {@value #GROUP}): turns the attempt records into events
 * ({@link EventMapper}) and queues a due try for each endpoint that receives them ({@link EventPublisher}). A batch
 * handed twice queues nothing twice: an event's id comes from its stream entry, and an event already in an endpoint's
 * log is not queued again. The entries are acknowledged only after their tries are in Redis, so an event is never lost
 * between the stream and the queues. The sending is {@link WebhookSender}'s, nudged when events were queued.
 */
@ApplicationScoped
public class WebhookEnqueuer implements StreamJob {

    public static final String GROUP = "webhooks";
    /** how far past a failed call the stream is read for its fallback when the batch ends first */
    private static final int PEEK = 50;

    private final WebhookStore store;
    private final EventMapper mapper;
    private final EventPublisher publisher;
    private final DeliveryConfig config;
    private final RedisDataSource redis;
    private final WebhookSender sender;

    public WebhookEnqueuer(WebhookStore store, EventMapper mapper, EventPublisher publisher, DeliveryConfig config,
                           RedisDataSource redis, WebhookSender sender) {
        this.sender = sender;
        this.store = store;
        this.mapper = mapper;
        this.publisher = publisher;
        this.config = config;
        this.redis = redis;
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public Done handle(List<StreamEntry> batch) {
        List<Endpoint> endpoints = store.all().stream().filter(Endpoint::enabled).toList();
        if (endpoints.isEmpty()) {
            return Done.NOTHING;
        }
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            StreamEntry e = batch.get(i);
            AttemptRecord r = e.record();
            Optional<String> next = EventMapper.isFailedCall(r) ? nextProvider(batch, i) : Optional.empty();
            mapper.map(e.archiveId(), r, next).ifPresent(events::add);
        }
        EventPublisher.Queued q = publisher.publish(events, endpoints);
        if (q.queued() > 0) {
            sender.nudge();
        }
        return new Done(q.queued(), q.duplicates());
    }

    /** the provider of the fallback record that follows a failed call, in the batch or else just after it in the stream */
    private Optional<String> nextProvider(List<StreamEntry> batch, int failedAt) {
        StreamEntry failed = batch.get(failedAt);
        String verification = failed.record().verificationId();
        for (int j = failedAt + 1; j < batch.size(); j++) {
            AttemptRecord later = batch.get(j).record();
            if (batch.get(j).shard() == failed.shard() && Objects.equals(verification, later.verificationId())) {
                return EventMapper.isFallback(later) ? Optional.ofNullable(later.provider()) : Optional.empty();
            }
        }
        Response r = redis.execute("XRANGE", AttemptLog.stream(failed.shard()), "(" + failed.entry().id(), "+",
                "COUNT", Integer.toString(PEEK));
        for (AttemptLog.Entry later : AttemptLog.entries(r)) {
            if (Objects.equals(verification, later.record().verificationId())) {
                return EventMapper.isFallback(later.record()) ? Optional.ofNullable(later.record().provider())
                        : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
