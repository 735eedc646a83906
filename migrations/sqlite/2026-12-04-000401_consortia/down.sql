DROP TABLE bid_partners;
