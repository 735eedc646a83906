DROP TABLE bid_openings;
DROP TABLE bids;
