// Package transfer moves plan data in and out of the tracker: it reads the
// Open Government Partnership's commitment-data CSV, and reads and writes the
// tracker's own JSON format (FORMAT.md). Both return a model.Dataset whose
// records have passed the model's Validate and whose references resolve, so
// that bad data is refused here, with a row and column or a JSON path, and
// not half-way through an import.
package transfer
