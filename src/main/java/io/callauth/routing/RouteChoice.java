package io.callauth.routing;

import io.callauth.provider.chain.RouteOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * From a group's planned order to one call's: on a start, with probability {@code explore}, another healthy provider
 * (its circuit not open) goes first, picked at random among them, so a provider that recovers is measured and wins its
 * traffic back; on a resend the previous call's provider goes last. A provider whose circuit is open keeps its place:
 * it is skipped as the chain always skipped it (its placement fails at once, {@code circuit_open}, and the next one
 * takes over), and it still gets the trial call that closes its circuit. Pure: the random draw is the only thing two
 * replicas may do apart.
 */
final class RouteChoice {

    private RouteChoice() {
    }

    /** the order of one call, and whether its first provider was an exploration */
    record Choice(List<String> order, boolean explored) {
    }

    static Choice choose(List<String> planned, Predicate<String> healthy, RouteOrder.Purpose purpose, String last,
                         double explore, RandomGenerator random) {
        List<String> order = new ArrayList<>(planned);
        boolean explored = false;
        if (purpose == RouteOrder.Purpose.START && order.size() > 1 && explore > 0 && random.nextDouble() < explore) {
            List<String> others = new ArrayList<>(order.size() - 1);
            for (int i = 1; i < order.size(); i++) {
                if (healthy.test(order.get(i))) {
                    others.add(order.get(i));
                }
            }
            if (!others.isEmpty()) {
                String pick = others.get(random.nextInt(others.size()));
                order.remove(pick);
                order.add(0, pick);
                explored = true;
            }
        }
        if (purpose == RouteOrder.Purpose.RESEND && last != null && order.size() > 1 && order.remove(last)) {
            order.add(last);
        }
        return new Choice(order, explored);
    }
}
