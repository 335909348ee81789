package org.medlora.imaging.dicom;

/**
 * A DICOM Part 10 file as read: its transfer syntax and its data set (without the file meta
 * information).
 */
public record DicomFile(TransferSyntax transferSyntax, DicomObject dataset) {}
