"""Operations: generate a city-sized data set, back up and restore the database."""
