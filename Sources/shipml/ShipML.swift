import ArgumentParser

@main
struct ShipML: ParsableCommand {}
