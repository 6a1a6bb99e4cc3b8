# Reference oracle for RubyGems version order: Gem::Version#<=> of the installed RubyGems.
# Reads lines "A<TAB>B" on stdin, prints -1, 0 or 1 per line.
require 'rubygems'
STDIN.read.split("\n").each do |line|
  next if line.empty?
  a, b = line.split("\t", 2)
  puts(Gem::Version.new(a) <=> Gem::Version.new(b))
end
