package org.medlora.export;

/**
 * How an export compared with its DJL model on a probe batch.
 *
 * @param maxAbsDiff largest absolute difference over all float outputs
 * @param tolerance the bound it had to stay under
 * @param probeBatch images in the probe batch
 * @param argmaxMismatches mask pixels whose class differs, ambiguous pixels excluded
 */
public record Verification(double maxAbsDiff, double tolerance, int probeBatch, long argmaxMismatches) {}
