"""The directory of the programme: regions, enterprises, societies, experts and their upkeep."""
