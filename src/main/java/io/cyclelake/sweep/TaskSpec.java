package io.cyclelake.sweep;

import java.io.Serializable;

/**
 * One Spark task of a sweep: a model with one point of its hyperparameter grid, fitted and evaluated on one fold.
 *
 * @param params the grid point over {@code cyclelake.model.<model>}, as HOCON
 */
public record TaskSpec(String runId, int specIndex, String model, String params, int foldIndex, String foldName,
    long seed, double intervalLevel) implements Serializable {}
