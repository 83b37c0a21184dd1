package dev.clientele.analytics;

/** A band of churn risk ({@code 1 - P(alive)}), for display next to the number. */
public enum ChurnRisk {
  /** Below the medium threshold. */
  LOW,
  /** At least the medium threshold, below the high one. */
  MEDIUM,
  /** At least the high threshold. */
  HIGH
}
