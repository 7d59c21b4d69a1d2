-- Camel's JdbcMessageIdRepository: the content hashes of inbox files already processed, shared by
-- every instance that watches the same inbox.
CREATE TABLE camel_messageprocessed (
    processorname  varchar(255) NOT NULL,
    messageid      varchar(100) NOT NULL,
    createdat      timestamp    NOT NULL,
    PRIMARY KEY (processorname, messageid)
);
