package io.callauth.routing;

import io.callauth.provider.chain.RouteOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * From a group's planned order to one call's: providers whose circuit is open go last (they are still tried, as the
 * static chain tries them, but never first); on a start, with probability {@code explore}, another healthy provider
 * goes first (picked at random among them), so a provider that recovers is measured and wins its traffic back; on a
 * resend the previous call's provider goes last. Pure: the random draw is the only thing two replicas may do apart.
 */
final class RouteChoice {

    private RouteChoice() {
    }

    /** the order of one call, and whether its first provider was an exploration */
    record Choice(List<String> order, boolean explored) {
    }

    static Choice choose(List<String> planned, Predicate<String> healthy, RouteOrder.Purpose purpose, String last,
                         double explore, RandomGenerator random) {
        List<String> order = new ArrayList<>(planned.size());
        List<String> open = new ArrayList<>();
        for (String p : planned) {
            (healthy.test(p) ? order : open).add(p);
        }
        boolean explored = false;
        if (purpose == RouteOrder.Purpose.START && order.size() > 1 && explore > 0 && random.nextDouble() < explore) {
            String pick = order.remove(1 + random.nextInt(order.size() - 1));
            order.add(0, pick);
            explored = true;
        }
        order.addAll(open);
        if (purpose == RouteOrder.Purpose.RESEND && last != null && order.size() > 1 && order.remove(last)) {
            order.add(last);
        }
        return new Choice(order, explored);
    }
}
