DROP TABLE awards;
DROP TABLE bid_scores;
