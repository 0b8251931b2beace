#ifndef C_LIBXML2_H
#define C_LIBXML2_H

/*
 * The few libxml2 (2.9, Debian's libxml2-dev) declarations the streaming reader needs, copied from
 * <libxml/xmlreader.h> and <libxml/parser.h>. The real headers are not included: they pull in the system
 * ICU headers, which clash with Foundation's own ICU module in any Swift module that also imports
 * Foundation. Every prototype below matches libxml2's ABI (enums passed as int, opaque structs as pointers).
 */

typedef unsigned char xmlChar;
typedef struct _xmlTextReader *xmlTextReaderPtr;
typedef void (*CLibXML2_ErrorFunc)(void *arg, const char *msg, int severity, void *locator);

void xmlInitParser(void);
xmlTextReaderPtr xmlReaderForMemory(const char *buffer, int size, const char *URL, const char *encoding, int options);
void xmlFreeTextReader(xmlTextReaderPtr reader);
int xmlTextReaderRead(xmlTextReaderPtr reader);
int xmlTextReaderNodeType(xmlTextReaderPtr reader);
int xmlTextReaderIsEmptyElement(xmlTextReaderPtr reader);
const xmlChar *xmlTextReaderConstName(xmlTextReaderPtr reader);
const xmlChar *xmlTextReaderConstValue(xmlTextReaderPtr reader);
int xmlTextReaderGetParserLineNumber(xmlTextReaderPtr reader);
void xmlTextReaderSetErrorHandler(xmlTextReaderPtr reader, CLibXML2_ErrorFunc f, void *arg);

/* xmlParserOption values. */
enum {
    CLibXML2_PARSE_NOERROR = 1 << 5,
    CLibXML2_PARSE_NOWARNING = 1 << 6,
    CLibXML2_PARSE_NONET = 1 << 11,
    CLibXML2_PARSE_NOCDATA = 1 << 14,
};

/* xmlReaderTypes values. */
enum {
    CLibXML2_ELEMENT = 1,
    CLibXML2_TEXT = 3,
    CLibXML2_CDATA = 4,
    CLibXML2_ENTITY_REFERENCE = 5,
    CLibXML2_ENTITY = 6,
    CLibXML2_PROCESSING_INSTRUCTION = 7,
    CLibXML2_DOCUMENT_TYPE = 10,
    CLibXML2_NOTATION = 12,
    CLibXML2_WHITESPACE = 13,
    CLibXML2_SIGNIFICANT_WHITESPACE = 14,
    CLibXML2_END_ELEMENT = 15,
};

/* Drops the reader's error reports: the parse result says what failed, nothing goes to stderr. */
static void CLibXML2_ignoreError(void *arg, const char *msg, int severity, void *locator) {
    (void)arg; (void)msg; (void)severity; (void)locator;
}

static inline void CLibXML2_silence(xmlTextReaderPtr reader) {
    xmlTextReaderSetErrorHandler(reader, CLibXML2_ignoreError, 0);
}

#endif
