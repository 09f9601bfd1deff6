"""The build engine: the graph of steps, its cache, workers, writing and publishing."""
