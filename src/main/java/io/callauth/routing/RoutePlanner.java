package io.callauth.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * The choice, as pure arithmetic: orders one group's providers by the expected cost per approved verification.
 * <p>
 * Per provider p, from its weighted figures and a Beta prior ({@code priorCalls} calls at the prior rates): the
 * delivery probability {@code d = (delivered + k·d0) / (placed + k)} and the approval probability per placed call
 * {@code a = (approved + k·a0) / (placed + k)} (at most d). An order p1, p2, … costs
 * {@code c1 + (1-d1)·c2 + (1-d1)(1-d2)·c3 …} (a call that was not delivered is followed by the next provider's) and
 * approves {@code a1 + (1-d1)·a2 + …}; its expected cost per approval is the quotient. Every order of up to
 * {@value #EXACT} providers is weighed (beyond: providers by their own quotient); equal quotients keep the chain's
 * order. A group with fewer weighted calls than {@code minCalls} keeps the chain's order. Deterministic: the same
 * figures and costs give the same order on every replica.
 */
public final class RoutePlanner {

    static final int EXACT = 6;
    private static final double EPSILON = 1e-9;

    private final double priorCalls;
    private final double priorDelivery;
    private final double priorApproval;
    private final double minCalls;

    public RoutePlanner(double priorCalls, double priorDelivery, double priorApproval, double minCalls) {
        this.priorCalls = priorCalls;
        this.priorDelivery = priorDelivery;
        this.priorApproval = priorApproval;
        this.minCalls = minCalls;
    }

    static RoutePlanner of(RoutingConfig c) {
        return new RoutePlanner(c.priorCalls(), c.priorDelivery(), c.priorApproval(), c.minCalls());
    }

    /** why the order is what it is */
    public enum Reason {
        /** the lowest expected cost per approved verification */
        COST_PER_APPROVAL,
        /** too few calls in the group yet: the chain's order */
        LITTLE_DATA,
        /** static mode */
        STATIC;

        public String wire() {
            return name().toLowerCase();
        }
    }

    /** one provider's estimates: its cost, delivery and approval probability, the cost per approval of the best order it leads */
    public record Estimate(String provider, double cost, double delivery, double approval,
                           double expectedCostPerApproval) {
    }

    /** the order (the chain's names) and why, with each provider's estimates in the chain's order */
    public record Plan(List<String> order, Reason reason, List<Estimate> estimates) {
    }

    /**
     * Orders {@code providers} (in the chain's order) for a group with {@code figures} (null when none), the providers'
     * costs given in the same order.
     */
    public Plan plan(List<String> providers, double[] costs, GroupFigures figures) {
        int n = providers.size();
        double[] d = new double[n];
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            ProviderFigures f = figures == null ? null : figures.of(providers.get(i));
            double placed = f == null ? 0 : f.weightedPlaced();
            double delivered = f == null ? 0 : Math.min(placed, f.weightedDelivered());
            double approved = f == null ? 0 : Math.min(delivered, f.weightedApproved());
            d[i] = (delivered + priorCalls * priorDelivery) / (placed + priorCalls);
            a[i] = Math.min(d[i], (approved + priorCalls * priorApproval) / (placed + priorCalls));
        }
        List<Estimate> estimates = new ArrayList<>(n);
        // per provider: the best order it leads
        int[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        double[] leading = new double[n];
        java.util.Arrays.fill(leading, Double.POSITIVE_INFINITY);
        if (n <= EXACT) {
            for (int[] perm : permutations(n)) {
                double v = costPerApproval(perm, costs, d, a);
                if (v < leading[perm[0]] - EPSILON) {
                    leading[perm[0]] = v;
                }
                if (v < bestValue - EPSILON) {
                    bestValue = v;
                    best = perm;
                }
            }
        } else {
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
                leading[i] = costPerApproval(new int[]{i}, costs, d, a);
            }
            java.util.Arrays.sort(idx, (x, y) -> Math.abs(leading[x] - leading[y]) < EPSILON ? Integer.compare(x, y)
                    : Double.compare(leading[x], leading[y]));
            best = java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
        }
        for (int i = 0; i < n; i++) {
            estimates.add(new Estimate(providers.get(i), costs[i], round(d[i]), round(a[i]), round(leading[i])));
        }
        double total = figures == null ? 0 : figures.totalWeightedPlaced();
        if (total < minCalls || best == null) {
            return new Plan(List.copyOf(providers), Reason.LITTLE_DATA, estimates);
        }
        List<String> order = new ArrayList<>(n);
        for (int i : best) {
            order.add(providers.get(i));
        }
        return new Plan(List.copyOf(order), Reason.COST_PER_APPROVAL, estimates);
    }

    /** expected cost per approved verification of trying the providers in {@code order}, each after the last failed */
    static double costPerApproval(int[] order, double[] costs, double[] d, double[] a) {
        double reach = 1;
        double cost = 0;
        double approvals = 0;
        for (int i : order) {
            cost += reach * costs[i];
            approvals += reach * a[i];
            reach *= 1 - d[i];
        }
        return approvals <= 0 ? Double.POSITIVE_INFINITY : cost / approvals;
    }

    /** every order of 0..n-1, in lexicographic order (so the chain's own order comes first among equals) */
    static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        while (true) {
            out.add(p.clone());
            int i = n - 2;
            while (i >= 0 && p[i] >= p[i + 1]) {
                i--;
            }
            if (i < 0) {
                return out;
            }
            int j = n - 1;
            while (p[j] <= p[i]) {
                j--;
            }
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
            for (int l = i + 1, r = n - 1; l < r; l++, r--) {
                t = p[l];
                p[l] = p[r];
                p[r] = t;
            }
        }
    }

    private static double round(double v) {
        return Double.isInfinite(v) ? v : Math.round(v * 10000) / 10000.0;
    }
}
