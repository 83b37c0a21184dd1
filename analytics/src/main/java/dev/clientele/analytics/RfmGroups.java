package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Summaries grouped for fitting: identical {@code (x, t_x, T)} rows become one row with a
 * weight, so a likelihood evaluation costs one term per distinct row, not per customer.
 * Distinct frequencies and distinct times are indexed too, so that terms depending only on
 * {@code x} (log-gamma, digamma) or only on a time ({@code ln(alpha + t)}) are computed once per
 * distinct value per evaluation.
 */
final class RfmGroups {
  /** Number of distinct rows. */
  final int size;
  /** Per row: frequency, weight (number of customers), and indexes into the tables below. */
  final int[] x;
  final double[] weight;
  final double[] recency;
  final double[] age;
  final int[] xIndex;
  final int[] recencyIndex;
  final int[] ageIndex;
  /** Distinct frequencies and distinct times (recencies and ages together). */
  final int[] distinctX;
  final double[] times;
  /** Total weight: the number of customers. */
  final double customers;
  /** The largest frequency. */
  final int maxX;

  private record Key(int x, double recency, double age) {}

  private RfmGroups(int size, int[] x, double[] weight, double[] recency, double[] age) {
    this.size = size;
    this.x = x;
    this.weight = weight;
    this.recency = recency;
    this.age = age;
    Map<Integer, Integer> xs = new HashMap<>();
    Map<Double, Integer> ts = new HashMap<>();
    xIndex = new int[size];
    recencyIndex = new int[size];
    ageIndex = new int[size];
    double total = 0;
    for (int i = 0; i < size; i++) {
      xIndex[i] = xs.computeIfAbsent(x[i], k -> xs.size());
      recencyIndex[i] = ts.computeIfAbsent(recency[i], k -> ts.size());
      ageIndex[i] = ts.computeIfAbsent(age[i], k -> ts.size());
      total += weight[i];
    }
    distinctX = new int[xs.size()];
    xs.forEach((v, i) -> distinctX[i] = v);
    int max = 0;
    for (int v : distinctX) {
      max = Math.max(max, v);
    }
    maxX = max;
    times = new double[ts.size()];
    ts.forEach((v, i) -> times[i] = v);
    customers = total;
  }

  /** Groups {@code summaries}; fails if there are none. */
  static RfmGroups of(Collection<RfmSummary> summaries) {
    checkArgument(!summaries.isEmpty(), "summaries must not be empty");
    Map<Key, Integer> index = new HashMap<>();
    int[] x = new int[summaries.size()];
    double[] w = new double[summaries.size()];
    double[] tx = new double[summaries.size()];
    double[] t = new double[summaries.size()];
    int n = 0;
    for (RfmSummary s : summaries) {
      Key key = new Key(s.frequency(), s.recency() + 0.0, s.age() + 0.0); // + 0.0 folds -0.0 into 0.0
      Integer i = index.get(key);
      if (i == null) {
        index.put(key, n);
        x[n] = key.x();
        tx[n] = key.recency();
        t[n] = key.age();
        w[n] = 1;
        n++;
      } else {
        w[i]++;
      }
    }
    return new RfmGroups(n, Arrays.copyOf(x, n), Arrays.copyOf(w, n), Arrays.copyOf(tx, n), Arrays.copyOf(t, n));
  }

  /** The mean frequency over customers. */
  double meanFrequency() {
    double s = 0;
    for (int i = 0; i < size; i++) {
      s += weight[i] * x[i];
    }
    return s / customers;
  }

  /** The mean age (T) over customers: the data's time scale. */
  double meanAge() {
    double s = 0;
    for (int i = 0; i < size; i++) {
      s += weight[i] * age[i];
    }
    return s / customers;
  }
}
