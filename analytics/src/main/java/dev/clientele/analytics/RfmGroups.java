package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Collection;

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

  private RfmGroups(int size, int[] x, double[] weight, double[] recency, double[] age) {
    this.size = size;
    this.x = x;
    this.weight = weight;
    this.recency = recency;
    this.age = age;
    xIndex = new int[size];
    recencyIndex = new int[size];
    ageIndex = new int[size];
    int max = 0;
    double total = 0;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, x[i]);
      total += weight[i];
    }
    maxX = max;
    customers = total;
    if (max < 4 * size + 1024) {
      // Dense frequencies (the usual case): a direct table from x to its index.
      int[] slot = new int[max + 1];
      int k = 0;
      for (int i = 0; i < size; i++) {
        if (slot[x[i]] == 0) {
          slot[x[i]] = ++k;
        }
        xIndex[i] = slot[x[i]] - 1;
      }
      distinctX = new int[k];
      for (int v = 0; v <= max; v++) {
        if (slot[v] != 0) {
          distinctX[slot[v] - 1] = v;
        }
      }
    } else {
      DoubleIndex xs = new DoubleIndex(size);
      for (int i = 0; i < size; i++) {
        xIndex[i] = xs.indexOf(x[i]);
      }
      double[] v = xs.values();
      distinctX = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        distinctX[i] = (int) v[i];
      }
    }
    DoubleIndex ts = new DoubleIndex(2 * size);
    for (int i = 0; i < size; i++) {
      recencyIndex[i] = ts.indexOf(recency[i]);
      ageIndex[i] = ts.indexOf(age[i]);
    }
    times = ts.values();
  }

  /**
   * Groups {@code summaries}; fails if there are none. An open-addressing hash table over the
   * primitive {@code (x, t_x, T)} (no boxing), so grouping a million customers costs a few tens
   * of milliseconds.
   */
  static RfmGroups of(Collection<RfmSummary> summaries) {
    checkArgument(!summaries.isEmpty(), "summaries must not be empty");
    int m = summaries.size();
    int capacity = Integer.highestOneBit(2 * m - 1) * 2;
    int mask = capacity - 1;
    int[] table = new int[capacity]; // row index + 1; 0 = empty
    int[] x = new int[m];
    double[] w = new double[m];
    double[] tx = new double[m];
    double[] t = new double[m];
    int n = 0;
    for (RfmSummary s : summaries) {
      int f = s.frequency();
      double r = s.recency() + 0.0; // + 0.0 folds -0.0 into 0.0
      double a = s.age() + 0.0;
      int slot = (int) mix(f, Double.doubleToLongBits(r), Double.doubleToLongBits(a)) & mask;
      while (true) {
        int e = table[slot] - 1;
        if (e < 0) {
          table[slot] = n + 1;
          x[n] = f;
          tx[n] = r;
          t[n] = a;
          w[n] = 1;
          n++;
          break;
        }
        if (x[e] == f && tx[e] == r && t[e] == a) {
          w[e]++;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return new RfmGroups(n, Arrays.copyOf(x, n), Arrays.copyOf(w, n), Arrays.copyOf(tx, n), Arrays.copyOf(t, n));
  }

  /** A 64-bit hash of a row (multiply-xorshift mixing, as in SplitMix64's finaliser). */
  static long mix(long a, long b, long c) {
    long h = a * 0x9E3779B97F4A7C15L + b;
    h = (h ^ (h >>> 32)) * 0xBF58476D1CE4E5B9L + c;
    h = (h ^ (h >>> 29)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 32);
  }

  /** Indexes distinct doubles in order of first appearance, without boxing. */
  private static final class DoubleIndex {
    private final int[] table;
    private final int mask;
    private double[] values;
    private int n;

    DoubleIndex(int expected) {
      int capacity = Integer.highestOneBit(Math.max(2, 2 * expected) - 1) * 2;
      table = new int[capacity];
      mask = capacity - 1;
      values = new double[Math.min(expected, 1024)];
    }

    int indexOf(double v) {
      long bits = Double.doubleToLongBits(v);
      int slot = (int) mix(bits, 0, 0) & mask;
      while (true) {
        int e = table[slot] - 1;
        if (e < 0) {
          if (n == values.length) {
            values = Arrays.copyOf(values, 2 * n);
          }
          values[n] = v;
          table[slot] = ++n;
          return n - 1;
        }
        if (values[e] == v) {
          return e;
        }
        slot = (slot + 1) & mask;
      }
    }

    double[] values() {
      return Arrays.copyOf(values, n);
    }
  }

  /** Every {@code step}-th row with its weight: a subsample for a quick first fit. */
  RfmGroups sample(int step) {
    int n = (size + step - 1) / step;
    int[] sx = new int[n];
    double[] sw = new double[n];
    double[] str = new double[n];
    double[] sa = new double[n];
    for (int i = 0, j = 0; i < size; i += step, j++) {
      sx[j] = x[i];
      sw[j] = weight[i];
      str[j] = recency[i];
      sa[j] = age[i];
    }
    return new RfmGroups(n, sx, sw, str, sa);
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
