/** Tests of the shipped image layout ({@code target/image/}, built by {@code mvn -Pimage package}). */
package io.sessionpresence.image;
