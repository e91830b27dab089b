/*
 * The -F language of mosquitto_sub 2.1 (eclipse/mosquitto, branch develop: client/client_shared.c check_format
 * and client/sub_client_output.c formatted_print), so that format/mosquitto21_test.go can compare the Go
 * Formatter with this C code and the C library's printf byte for byte. hexsep, write_payload,
 * formatted_print_float, _int, _str and _blank are mosquitto's as they are. check_format and formatted_print are
 * too, but for a chain of letter tests written as one strchr and the @ sequences; formatted_print_percent prints
 * a message on topic fmt/float, QoS 0, not retained, without properties, and supported() turns away the sequences
 * that read the clock or print JSON, %C and %I (whose blank padding 2.1 changed, and mqtt keeps as 2.0.11's).
 *
 * Copyright (c) 2009-2021 Roger Light <roger@atchoo.org>
 * SPDX-License-Identifier: EPL-2.0 OR BSD-3-Clause
 *
 * Protocol, on stdin and stdout, one record after another, every number a 4-byte little-endian length:
 *   in:  len(spec) spec len(payload) payload
 *   out: status len(stdout) stdout len(stderr) stderr
 * status 0: printed; 1: check_format refused (its message on stderr); 3: the spec uses a sequence this cut-down
 * copy does not print (a time, JSON, %C or %I, whose 2.0.11 and 2.1 forms differ anyway).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNSUPPORTED 3

static const char *topic = "fmt/float";

const char hexseplist[32] = {
	'!', '"', '#', '$', '&', '\'', '(', ')',
	'*', '+', ',', '-', '.', '/', ':', ';',
	'<', '=', '>', '?', '@', '[', '\\', ']',
	'^', '_', '`', '{', '|', '}', '~', ' ',
};

struct fieldoptions{
	int field_width;
	int precision;
	char hexsepchar;
	char align;
	char pad;
};

static int check_format(const char *str)
{
	size_t i;
	size_t len;

	len = strlen(str);
	for(i=0; i<len; i++){
		if(str[i] == '%'){
			if(i == len-1){
				fprintf(stderr, "Error: Incomplete format specifier.\n");
				return 1;
			}else{
				if(str[i+1] == '0' || str[i+1] == '-'){
					i++;
					if(i == len-1){
						fprintf(stderr, "Error: Incomplete format specifier.\n");
						return 1;
					}
				}
				while(str[i+1] >= '0' && str[i+1] <= '9'){
					i++;
					if(i == len-1){
						fprintf(stderr, "Error: Incomplete format specifier.\n");
						return 1;
					}
				}
				if(str[i+1] == '.'){
					i++;
					if(i == len-1){
						fprintf(stderr, "Error: Incomplete format specifier.\n");
						return 1;
					}
					while(str[i+1] >= '0' && str[i+1] <= '9'){
						i++;
						if(i == len-1){
							fprintf(stderr, "Error: Incomplete format specifier.\n");
							return 1;
						}
					}
				}
				for(size_t j=0; j<sizeof(hexseplist); j++){
					if(str[i+1] == hexseplist[j]){
						i++;
						break;
					}
				}
				if(strchr("%ACDEFIlmPpqRSrtjJUxXfd", str[i+1]) == NULL || str[i+1] == '\0'){
					fprintf(stderr, "Error: Invalid format specifier '%c'.\n", str[i+1]);
					return 1;
				}
				i++;
			}
		}else if(str[i] == '@'){
			if(i == len-1){
				fprintf(stderr, "Error: Incomplete format specifier.\n");
				return 1;
			}
			i++;
		}else if(str[i] == '\\'){
			if(i == len-1){
				fprintf(stderr, "Error: Incomplete escape specifier.\n");
				return 1;
			}else{
				switch(str[i+1]){
					case '\\': case '0': case 'a': case 'e': case 'n': case 'r': case 't': case 'v':
						break;
					default:
						fprintf(stderr, "Error: Invalid escape specifier '%c'.\n", str[i+1]);
						return 1;
				}
				i++;
			}
		}
	}
	return 0;
}

static const signed char nibble_to_hex[] = {
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'
};

static void hexsep(int xpos, int precision, char sepchar)
{
	if(precision > 0 && xpos%precision == (precision-1)){
		putchar(sepchar);
	}
}

static void write_payload(const unsigned char *payload, int payloadlen, int hex, struct fieldoptions *fopts)
{
	int i;
	int padlen;

	if(fopts->field_width > 0){
		if(payloadlen > fopts->field_width){
			payloadlen = fopts->field_width;
		}
		if(hex > 0){
			padlen = fopts->field_width - payloadlen*2;
		}else{
			padlen = fopts->field_width - payloadlen;
		}
	}else{
		padlen = fopts->field_width - payloadlen;
	}

	int xpos = 0;
	if(fopts->align != '-'){
		for(i=0; i<padlen; i++){
			putchar(fopts->pad);
			if(hex > 0){
				hexsep(xpos, fopts->precision, fopts->hexsepchar);
			}
			xpos++;
		}
	}

	if(hex == 0){
		(void)fwrite(payload, 1, (size_t )payloadlen, stdout);
	}else{
		signed char casemod = (hex == 1?0x20:0x00);
		for(i=0; i<payloadlen; i++){
			putchar(nibble_to_hex[((payload[i] & 0xF0) >> 4)] | casemod);
			hexsep(xpos, fopts->precision, fopts->hexsepchar);
			xpos += 1;

			putchar(nibble_to_hex[(payload[i] & 0x0F)] | casemod);
			if(i < payloadlen-1){
				hexsep(xpos, fopts->precision, fopts->hexsepchar);
				xpos += 1;
			}
		}
	}

	if(fopts->align == '-'){
		printf("%*s", padlen, "");
	}
}

static void formatted_print_blank(struct fieldoptions *fopts)
{
	int i;
	for(i=0; i<fopts->field_width; i++){
		putchar(fopts->pad);
	}
}

static int formatted_print_float(const unsigned char *payload, int payloadlen, char format, struct fieldoptions *fopts)
{
	float float_value;
	double value = 0.0;

	if(format == 'f'){
		if(sizeof(float_value) != payloadlen){
			return -1;
		}
		memcpy(&float_value, payload, sizeof(float_value));
		value = float_value;
	}else if(format == 'd'){
		if(sizeof(value) != payloadlen){
			return -1;
		}
		memcpy(&value, payload, sizeof(value));
	}

	if(fopts->field_width == 0){
		printf("%.*f", fopts->precision, value);
	}else{
		if(fopts->align == '-'){
			printf("%-*.*f", fopts->field_width, fopts->precision, value);
		}else{
			if(fopts->pad == '0'){
				printf("%0*.*f", fopts->field_width, fopts->precision, value);
			}else{
				printf("%*.*f", fopts->field_width, fopts->precision, value);
			}
		}
	}
	return 0;
}

static void formatted_print_int(int value, struct fieldoptions *fopts)
{
	if(fopts->field_width == 0){
		printf("%d", value);
	}else{
		if(fopts->align == '-'){
			printf("%-*d", fopts->field_width, value);
		}else{
			if(fopts->pad == '0'){
				printf("%0*d", fopts->field_width, value);
			}else{
				printf("%*d", fopts->field_width, value);
			}
		}
	}
}

static void formatted_print_str(const char *value, struct fieldoptions *fopts)
{
	if(fopts->field_width == 0 && fopts->precision == -1){
		fputs(value, stdout);
	}else{
		if(fopts->precision == -1){
			if(fopts->align == '-'){
				printf("%-*s", fopts->field_width, value);
			}else{
				printf("%*s", fopts->field_width, value);
			}
		}else if(fopts->field_width == 0){
			if(fopts->align == '-'){
				printf("%-.*s", fopts->precision, value);
			}else{
				printf("%.*s", fopts->precision, value);
			}
		}else{
			if(fopts->align == '-'){
				printf("%-*.*s", fopts->field_width, fopts->precision, value);
			}else{
				printf("%*.*s", fopts->field_width, fopts->precision, value);
			}
		}
	}
}

/* The message: QoS 0, not retained, no properties. */
static void formatted_print_percent(const unsigned char *payload, int payloadlen, char format, struct fieldoptions *fopts)
{
	switch(format){
		case '%': fputc('%', stdout); break;
		case 'A': case 'E': case 'F': case 'S': formatted_print_blank(fopts); break;
		case 'D': case 'P': case 'R': break;
		case 'l': formatted_print_int(payloadlen, fopts); break;
		case 'm': formatted_print_int(0, fopts); break;
		case 'p': write_payload(payload, payloadlen, 0, fopts); break;
		case 'q': fputc('0', stdout); break;
		case 'r': fputc('0', stdout); break;
		case 't': formatted_print_str(topic, fopts); break;
		case 'x': write_payload(payload, payloadlen, 1, fopts); break;
		case 'X': write_payload(payload, payloadlen, 2, fopts); break;
		case 'f':
			if(formatted_print_float(payload, payloadlen, 'f', fopts)){
				fprintf(stderr, "requested float printing, but non-float data received");
			}
			break;
		case 'd':
			if(formatted_print_float(payload, payloadlen, 'd', fopts)){
				fprintf(stderr, "requested double printing, but non-double data received");
			}
			break;
	}
}

static int supported(const char *format)
{
	size_t len = strlen(format);
	for(size_t i=0; i<len; i++){
		if(format[i] == '@'){
			if(format[i+1] != '@') return 0;
			i++;
		}else if(format[i] == '\\'){
			i++;
		}else if(format[i] == '%'){
			size_t j = i+1;
			while(format[j] && strchr("-0123456789.", format[j])) j++;
			if(format[j] && memchr(hexseplist, format[j], sizeof(hexseplist))) j++;
			if(format[j] && strchr("CIjJU", format[j])) return 0;
			i = j;
		}
	}
	return 1;
}

static void formatted_print(const char *format, const unsigned char *payload, int payloadlen)
{
	size_t len = strlen(format);

	for(size_t i=0; i<len; i++){
		if(format[i] == '%'){
			struct fieldoptions fopts = {0, -1, ' ', '\0', ' '};
			if(i < len-1){
				i++;
				if(format[i] == '-'){
					fopts.align = format[i];
					if(i < len-1){
						i++;
					}
				}
				if(format[i] == '0'){
					fopts.pad = '0';
					if(i < len-1){
						i++;
					}
				}
				while(i < len-1 && format[i] >= '0' && format[i] <= '9'){
					fopts.field_width *= 10;
					fopts.field_width += format[i]-'0';
					i++;
				}
				if(format[i] == '.'){
					if(i < len-1){
						i++;
						fopts.precision = 0;
						while(i < len-1 && format[i] >= '0' && format[i] <= '9'){
							fopts.precision *= 10;
							fopts.precision += format[i]-'0';
							i++;
						}
					}
				}
				for(size_t j=0; j<sizeof(hexseplist); j++){
					if(format[i] == hexseplist[j]){
						fopts.hexsepchar = hexseplist[j];
						i++;
						break;
					}
				}
				if(i < len){
					formatted_print_percent(payload, payloadlen, format[i], &fopts);
				}
			}
		}else if(format[i] == '@'){
			if(i < len-1){
				i++;
				fputc('@', stdout);
			}
		}else if(format[i] == '\\'){
			if(i < len-1){
				i++;
				switch(format[i]){
					case '\\': fputc('\\', stdout); break;
					case '0': fputc('\0', stdout); break;
					case 'a': fputc('\a', stdout); break;
					case 'e': fputc('\033', stdout); break;
					case 'n': fputc('\n', stdout); break;
					case 'r': fputc('\r', stdout); break;
					case 't': fputc('\t', stdout); break;
					case 'v': fputc('\v', stdout); break;
				}
			}
		}else{
			fputc(format[i], stdout);
		}
	}
	fputc('\n', stdout);
}

static int read_chunk(FILE *in, char **buf, uint32_t *len)
{
	unsigned char n[4];
	if(fread(n, 1, 4, in) != 4) return 0;
	*len = (uint32_t)n[0] | (uint32_t)n[1]<<8 | (uint32_t)n[2]<<16 | (uint32_t)n[3]<<24;
	*buf = malloc(*len + 1);
	if(*buf == NULL || fread(*buf, 1, *len, in) != *len) exit(2);
	(*buf)[*len] = '\0';
	return 1;
}

static void write_chunk(FILE *out, const char *buf, size_t len)
{
	unsigned char n[4] = {len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, (len >> 24) & 0xff};
	fwrite(n, 1, 4, out);
	fwrite(buf, 1, len, out);
}

int main(void)
{
	FILE *in = stdin, *out = stdout;
	char *spec, *payload;
	uint32_t speclen, payloadlen;

	while(read_chunk(in, &spec, &speclen)){
		if(!read_chunk(in, &payload, &payloadlen)) return 2;
		char *obuf = NULL, *ebuf = NULL;
		size_t olen = 0, elen = 0;
		stdout = open_memstream(&obuf, &olen);
		stderr = open_memstream(&ebuf, &elen);
		int status = 0;
		if(check_format(spec)){
			status = 1;
		}else if(!supported(spec)){
			status = UNSUPPORTED;
		}else{
			formatted_print(spec, (const unsigned char *)payload, (int)payloadlen);
		}
		fclose(stdout);
		fclose(stderr);
		unsigned char s = (unsigned char)status;
		fwrite(&s, 1, 1, out);
		write_chunk(out, obuf, olen);
		write_chunk(out, ebuf, elen);
		fflush(out);
		free(obuf);
		free(ebuf);
		free(spec);
		free(payload);
	}
	return 0;
}
