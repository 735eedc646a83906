DROP TABLE tender_dismissals;
